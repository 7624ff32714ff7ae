import type { CallClient } from '@peerlink/sdk/calls';
import { useCall } from '../app/hooks.js';
import { endReasonMessage } from '../app/messages.js';
import type { AppState, AppStore, Session } from '../app/store.js';
import { ChatList } from '../components/ChatList.js';
import { ChatView } from './ChatView.js';
import { IncomingCall } from './IncomingCall.js';
import { InCall } from './InCall.js';

interface Props {
  store: AppStore;
  state: AppState;
  session: Session;
  calls: CallClient;
}

export function HomeScreen({ store, state, session, calls }: Props) {
  const call = useCall(calls);
  const phase = call.call.phase;
  const chat = state.chats.find((c) => c.id === state.selectedChatId) ?? null;
  const ended = phase === 'ended' ? call.call.end : null;
  const inCall = phase === 'outgoing-ringing' || phase === 'connecting' || phase === 'connected' || phase === 'reconnecting';

  return (
    <div className="home">
      <ChatList store={store} state={state} session={session} signaling={call.signaling} />
      <main className="main">
        {state.error !== null && (
          <div className="banner error" role="alert">
            <span>{state.error}</span>
            <button className="link" onClick={() => store.dismissError()}>
              Dismiss
            </button>
          </div>
        )}
        {ended !== null && (
          <div
            className={`banner ${ended.reason === 'hangup' || ended.reason === 'remote-hangup' ? 'info' : 'warn'}`}
            role="status"
            data-testid="call-outcome"
            data-reason={ended.reason}
          >
            <span>{endReasonMessage(ended.reason)}</span>
            <button className="link" onClick={() => calls.dismiss()}>
              OK
            </button>
          </div>
        )}
        {chat === null ? (
          <div className="empty">
            <h2>Pick a chat</h2>
            <p className="muted">Choose a conversation on the left, or start one with someone’s username.</p>
          </div>
        ) : (
          <ChatView store={store} chat={chat} session={session} history={state.history} calls={calls} snapshot={call} />
        )}
      </main>
      {phase === 'incoming-ringing' && <IncomingCall store={store} calls={calls} snapshot={call} />}
      {inCall && <InCall store={store} calls={calls} snapshot={call} />}
    </div>
  );
}
