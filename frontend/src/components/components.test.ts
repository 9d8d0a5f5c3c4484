import { describe, expect, it } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import App from '../App.svelte';
import { agentSnapshot, fakeBackend, session } from '../lib/fake-backend';
import { Events } from '../lib/bridge';

describe('App', () => {
  it('signs in with labelled fields and shows the status', async () => {
    const b = fakeBackend();
    render(App, { backend: b });
    const address = await screen.findByLabelText('Backend address');
    await waitFor(() => expect((address as HTMLInputElement).value).toBe('http://127.0.0.1:8080'));
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('agent1');
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const status = await screen.findByTestId('current-status');
    expect(status.textContent).toBe('Offline');
    expect(screen.getByRole('tab', { name: 'Contacts' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByRole('tab', { name: 'Supervisor' })).toBeNull();
    await fireEvent.change(screen.getByLabelText('Choose a status'), { target: { value: 's-available' } });
    await waitFor(() => expect(screen.getByTestId('current-status').textContent).toBe('Available'));
    expect(b.calls.find((c) => c[0] === 'SetStatus')?.[1]).toEqual(['s-available']);
  });

  it('shows a sign-in error from its code', async () => {
    const b = fakeBackend({ SignIn: () => { throw { code: 'unreachable', message: 'dial tcp' }; } });
    render(App, { backend: b });
    await fireEvent.input(await screen.findByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('cannot be reached');
    expect(alert.textContent).not.toContain('dial tcp');
  });

  it('shows an incoming contact with accept and reject, and the Missed way out', async () => {
    const b = fakeBackend();
    render(App, { backend: b });
    await fireEvent.input(await screen.findByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('current-status');
    b.emit(Events.stream, {
      type: 'agent', seq: 1, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [
        { contactId: 'c9', channel: 'VOICE', state: 'INCOMING', stateStartTimestamp: new Date().toISOString(), queueId: 'q1' }]).snapshot },
    });
    const card = await screen.findByTestId('contact-card');
    expect(card.textContent).toContain('Incoming voice call');
    expect(screen.getByTestId('contact-queue').textContent).toBe('Sales');
    await fireEvent.click(screen.getByRole('button', { name: /Accept/ }));
    expect(b.calls.find((c) => c[0] === 'AcceptContact')?.[1]).toEqual(['c9']);
    expect(screen.getByRole('button', { name: /Reject/ }).getAttribute('aria-keyshortcuts')).toBe('Control+Shift+D');

    b.answers.Agent = () => ({ ...agentSnapshot('Available'), state: 'MISSED' });
    b.emit(Events.stream, { type: 'agent', seq: 2, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available').snapshot } });
    const missed = await screen.findByTestId('missed-banner', {}, { timeout: 2000 });
    expect(missed.textContent).toContain('You missed a contact');
    await fireEvent.click(screen.getByRole('button', { name: 'Go Available' }));
    expect(b.calls.filter((c) => c[0] === 'SetStatus').at(-1)?.[1]).toEqual(['s-available']);
  });

  it('shows after-contact work with notes, disposition and Clear contact', async () => {
    const b = fakeBackend({
      SignIn: () => session({ agent: agentSnapshot('Available', {}, [
        { contactId: 'c5', channel: 'CHAT', state: 'ENDED', stateStartTimestamp: new Date().toISOString(), queueId: 'q1' }]) }),
    });
    render(App, { backend: b });
    await fireEvent.input(await screen.findByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('After-contact work', { selector: 'h3' });
    await fireEvent.input(screen.getByLabelText('Notes'), { target: { value: 'all good' } });
    await fireEvent.change(screen.getByLabelText('Disposition'), { target: { value: 'resolved' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Clear contact' }));
    expect(b.calls.find((c) => c[0] === 'ClearContact')?.[1]).toEqual(['c5']);
  });

  it('shows the reconnection banner when the connection is lost', async () => {
    const b = fakeBackend();
    render(App, { backend: b });
    await fireEvent.input(await screen.findByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('current-status');
    b.emit(Events.connection, { state: 'lost', code: 'unreachable', attempt: 2, retryMs: 2000 });
    const banner = await screen.findByTestId('connection-banner');
    expect(banner.textContent).toContain('Reconnecting in 2 s');
    b.emit(Events.connection, { state: 'connected' });
    await waitFor(() => expect(screen.queryByTestId('connection-banner')).toBeNull());
  });

  it('rings a voice call on the softphone, then offers the call controls', async () => {
    const b = fakeBackend({
      SoftphoneStatus: () => ({ available: true, registered: true, inCall: false, muted: false }),
      MuteCall: (on: boolean) => ({ available: true, registered: true, inCall: true, muted: on, call: 'connected', contactId: 'c7' }),
    });
    render(App, { backend: b });
    await fireEvent.input(await screen.findByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('current-status');
    await waitFor(() => expect(screen.getByTestId('softphone-status').textContent).toContain('Ready'));
    const now = new Date().toISOString();
    b.emit(Events.stream, {
      type: 'agent', seq: 1, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [
        { contactId: 'c7', channel: 'VOICE', state: 'INCOMING', stateStartTimestamp: now, queueId: 'q1' }]).snapshot },
    });
    b.emit(Events.softphone, { available: true, registered: true, inCall: false, muted: false, call: 'ringing', contactId: 'c7' });
    expect((await screen.findByTestId('phone-ringing')).textContent).toContain('Ringing on your softphone');

    // answered: connected, on the phone
    b.emit(Events.softphone, { available: true, registered: true, inCall: true, muted: false, call: 'connected', contactId: 'c7', answeredAt: now, codec: 'PCMU' });
    b.emit(Events.stream, {
      type: 'agent', seq: 2, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [
        { contactId: 'c7', channel: 'VOICE', state: 'CONNECTED', stateStartTimestamp: now, queueId: 'q1' }]).snapshot },
    });
    const controls = await screen.findByRole('group', { name: 'Call controls' });
    expect(controls).toBeTruthy();
    expect(screen.getByTestId('call-timer').textContent).toMatch(/^0:0\d$/);
    b.emit(Events.callLevel, { rms: -20, peak: -10 });
    await waitFor(() => expect(screen.getByRole('meter', { name: 'Microphone' }).getAttribute('aria-valuenow')).toBe('-20'));

    await fireEvent.click(screen.getByRole('button', { name: 'Mute' }));
    expect(b.calls.find((c) => c[0] === 'MuteCall')?.[1]).toEqual([true]);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true'));
    expect(screen.getByTestId('muted-note').textContent).toContain('muted');

    await fireEvent.click(screen.getByRole('button', { name: 'Hold' }));
    expect(b.calls.find((c) => c[0] === 'HoldCall')?.[1]).toEqual(['c7']);

    await fireEvent.click(screen.getByRole('button', { name: 'Keypad' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Send 5' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Send #' }));
    await waitFor(() => expect(screen.getByTestId('sent-digits').textContent).toBe('Sent: 5#'));
    expect(b.calls.filter((c) => c[0] === 'SendDigits').map((c) => c[1])).toEqual([['c7', '5'], ['c7', '#']]);

    await fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    const dialog = await screen.findByRole('dialog', { name: 'Transfer the call' });
    const select = await screen.findByLabelText('Destination');
    await waitFor(() => expect(select.querySelectorAll('option').length).toBe(4));
    expect(dialog.textContent).toContain('Billing desk');
    await fireEvent.change(select, { target: { value: 'qc:qc1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Transfer now' }));
    expect(b.calls.find((c) => c[0] === 'TransferCall')?.[1]).toEqual(['c7', { queueId: '', agentId: '', quickConnectId: 'qc1' }]);

    await fireEvent.click(screen.getByRole('button', { name: 'Hang up' }));
    expect(b.calls.find((c) => c[0] === 'HangupCall')?.[1]).toEqual(['c7']);

    // on hold: Resume; a device fell back: the agent is told
    b.emit(Events.softphone, { available: true, registered: true, inCall: true, muted: false, call: 'connected', contactId: 'c7', notice: 'softphone.speakerFallback' });
    b.emit(Events.stream, {
      type: 'agent', seq: 3, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [
        { contactId: 'c7', channel: 'VOICE', state: 'CONNECTED_ONHOLD', stateStartTimestamp: now, queueId: 'q1' }]).snapshot },
    });
    await fireEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    expect(b.calls.find((c) => c[0] === 'ResumeCall')?.[1]).toEqual(['c7']);
    expect(screen.getByTestId('phone-notice').textContent).toContain('system default speaker');
  });
});
