import { useState, type FormEvent } from 'react';
import type { ChatSummary, SignalingStatus } from '@peerlink/sdk/calls';
import type { AppState, AppStore, Session } from '../app/store.js';

export function chatName(chat: ChatSummary, selfId: string): string {
  if (chat.title !== null && chat.title !== '') return chat.title;
  const others = chat.members.filter((m) => m.id !== selfId).map((m) => m.username ?? 'unknown');
  return others.length === 0 ? 'Just you' : others.join(', ');
}

interface Props {
  store: AppStore;
  state: AppState;
  session: Session;
  signaling: SignalingStatus;
}

export function ChatList({ store, state, session, signaling }: Props) {
  const [usernames, setUsernames] = useState('');
  const [title, setTitle] = useState('');

  async function create(event: FormEvent) {
    event.preventDefault();
    if (await store.createChat(usernames, title)) {
      setUsernames('');
      setTitle('');
    }
  }

  return (
    <aside className="sidebar">
      <header className="sidebar-header">
        <div>
          <div className="brand small">peerlink</div>
          <div className="me" data-testid="me">
            <span className={`dot ${signaling}`} title={`signaling ${signaling}`} />
            {session.user.username}
          </div>
        </div>
        <button className="link" onClick={() => store.logout()}>
          Sign out
        </button>
      </header>
      <form className="new-chat" onSubmit={(e) => void create(e)} aria-label="New chat">
        <input
          name="members"
          placeholder="Usernames, e.g. alice, bob"
          value={usernames}
          onChange={(e) => setUsernames(e.target.value)}
        />
        <input name="title" placeholder="Title (optional)" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="primary">
          Start chat
        </button>
      </form>
      <nav className="chats" aria-label="Chats">
        {state.chats.length === 0 && <p className="muted pad">No chats yet.</p>}
        {state.chats.map((chat) => (
          <button
            key={chat.id}
            className={`chat-item ${chat.id === state.selectedChatId ? 'selected' : ''}`}
            onClick={() => void store.selectChat(chat.id)}
            data-chat-id={chat.id}
          >
            <span className="avatar">{chatName(chat, session.user.id).slice(0, 1).toUpperCase()}</span>
            <span className="chat-name">{chatName(chat, session.user.id)}</span>
            <span className="muted small">{chat.members.length > 2 ? `${chat.members.length} people` : ''}</span>
          </button>
        ))}
      </nav>
    </aside>
  );
}
