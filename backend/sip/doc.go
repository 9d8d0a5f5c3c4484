// Package sip is Parley's telephony adapter on diago (github.com/emiago/diago) and sipgo: the SIP
// server that answers calls to claimed phone numbers and hands them to a CallHandler; the voice
// channel (VoiceChannel: each call's inbound flow, queue and customer queue flow, the offer to
// an agent's registered softphone, bridge, recording and in-call controls, and
// parley.VoiceService for the API); the media primitives under it (prompts, DTMF collection with
// barge-in, RFC 4733 sending, bridging, stereo recording, hang-up); the agents' registrar with
// digest credentials; and the audio helpers (G.711, WAV, resampling, espeak-ng text prompts).
//
// What diago does not do for us, we do here:
//   - RFC 4733 telephone-event detection (Detector4733): diago v0.31.0 misses events whose
//     first packet has duration 0, as sent by sipp's DTMF pcaps.
//   - SIP INFO DTMF (application/dtmf-relay and application/dtmf).
//   - A crash-safe stereo WAV recorder (diago's assembles the file at the end of the call).
//   - Call limits: unknown numbers get 404, calls over Server.MaxCalls get 503.
//
// See docs/telephony.md for configuration and how to call the demo number.
package sip
