// Package sip is Parley's telephony adapter on diago (github.com/emiago/diago) and sipgo: the SIP
// server that answers calls to claimed phone numbers and hands them to a CallHandler (the voice
// channel), the media primitives a voice channel needs (prompts, DTMF collection with barge-in,
// bridging, stereo recording, hang-up), the agents' registrar with digest credentials, and the
// audio helpers under them (G.711, WAV, resampling, espeak-ng text prompts).
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
