/**
 * Application state outside calls: the signed-in session, chats, the open
 * chat and its call history. Components render `AppState` and call the
 * actions; the call itself lives in the SDK's `CallClient`.
 */
import { ApiClient, ApiError, CallClient, type CallHistoryEntry, type ChatSummary, type UserSummary } from '@peerlink/sdk/calls';

const TOKEN_KEY = 'peerlink.session';
/** Delay of the second history refresh after a call ends, in ms. */
const HISTORY_SETTLE_MS = 1500;

export interface Session {
  readonly token: string;
  readonly user: UserSummary;
}

export interface AppState {
  readonly session: Session | null;
  /** True while a stored session is being checked at start-up. */
  readonly restoring: boolean;
  readonly chats: readonly ChatSummary[];
  readonly selectedChatId: string | null;
  /** Call history of the open chat, newest first; null while loading. */
  readonly history: readonly CallHistoryEntry[] | null;
  /** The last failed action's message (shown as a banner), or null. */
  readonly error: string | null;
}

type Listener = () => void;

export class AppStore {
  readonly api = new ApiClient({ baseUrl: '' });
  private state: AppState = { session: null, restoring: true, chats: [], selectedChatId: null, history: null, error: null };
  private readonly listeners = new Set<Listener>();
  private callClient: CallClient | null = null;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): AppState => this.state;

  /** The call client of the signed-in user (null when signed out). */
  get calls(): CallClient | null {
    return this.callClient;
  }

  async restore(): Promise<void> {
    const token = globalThis.localStorage.getItem(TOKEN_KEY);
    if (token === null) return this.set({ restoring: false });
    this.api.setToken(token);
    try {
      const user = await this.api.me();
      await this.signedIn({ token, user });
    } catch {
      globalThis.localStorage.removeItem(TOKEN_KEY);
      this.api.setToken(null);
    }
    this.set({ restoring: false });
  }

  async login(username: string, password: string): Promise<void> {
    await this.attempt(async () => this.signedIn(await this.api.login(username, password)));
  }

  async register(username: string, password: string): Promise<void> {
    await this.attempt(async () => this.signedIn(await this.api.register(username, password)));
  }

  logout(): void {
    this.callClient?.disconnect();
    this.callClient = null;
    globalThis.localStorage.removeItem(TOKEN_KEY);
    this.api.setToken(null);
    this.set({ session: null, chats: [], selectedChatId: null, history: null, error: null });
  }

  async refreshChats(): Promise<void> {
    await this.attempt(async () => this.set({ chats: await this.api.listChats() }));
  }

  /** Starts a chat with these usernames (comma or space separated) and opens it. */
  async createChat(usernames: string, title: string): Promise<boolean> {
    const names = usernames.split(/[\s,]+/).filter((n) => n !== '');
    if (names.length === 0) {
      this.set({ error: 'Enter at least one username.' });
      return false;
    }
    return this.attempt(async () => {
      const chat = await this.api.createChat(names, title.trim() === '' ? undefined : title.trim());
      this.set({ chats: [chat, ...this.state.chats.filter((c) => c.id !== chat.id)] });
      await this.selectChat(chat.id);
    });
  }

  async selectChat(chatId: string): Promise<void> {
    this.set({ selectedChatId: chatId, history: null });
    await this.refreshHistory();
  }

  async refreshHistory(): Promise<void> {
    const chatId = this.state.selectedChatId;
    if (chatId === null) return;
    await this.attempt(async () => {
      const calls = await this.api.callHistory(chatId);
      if (this.state.selectedChatId === chatId) this.set({ history: calls });
    });
  }

  dismissError(): void {
    this.set({ error: null });
  }

  /** Display name of a user id, from the members of the known chats. */
  nameOf(userId: string): string {
    if (userId === this.state.session?.user.id) return 'You';
    for (const chat of this.state.chats) {
      const member = chat.members.find((m) => m.id === userId);
      if (member?.username) return member.username;
    }
    return 'Unknown user';
  }

  private async signedIn(session: Session): Promise<void> {
    globalThis.localStorage.setItem(TOKEN_KEY, session.token);
    this.api.setToken(session.token);
    this.callClient?.disconnect();
    const params = new URLSearchParams(globalThis.location.search);
    this.callClient = new CallClient({
      selfId: session.user.id,
      token: session.token,
      baseUrl: '',
      iceServers: () => this.api.iceServers() as Promise<RTCIceServer[]>,
      // `?relay=1` forces TURN relaying (diagnostics; used by the relay end-to-end test).
      iceTransportPolicy: params.get('relay') === '1' ? 'relay' : 'all',
    });
    let previousPhase = this.callClient.getSnapshot().call.phase;
    this.callClient.subscribe(() => {
      const call = this.callClient?.getSnapshot().call;
      const phase = call?.phase;
      if (phase === 'incoming-ringing' && previousPhase !== phase && !this.state.chats.some((c) => c.id === call?.chatId)) {
        void this.refreshChats(); // a chat someone just created with us: learn its members' names
      }
      if (phase === 'ended' && previousPhase !== 'ended') {
        // The gateway records the outcome as it ends the call; refresh now and once more shortly after.
        void this.refreshHistory();
        globalThis.setTimeout(() => void this.refreshHistory(), HISTORY_SETTLE_MS);
      }
      if (phase !== undefined) previousPhase = phase;
    });
    this.callClient.connect();
    this.set({ session, error: null });
    await this.refreshChats();
  }

  private async attempt(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (error) {
      this.set({ error: describeError(error) });
      return false;
    }
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK_ERROR') return 'Cannot reach the server. Check your connection and try again.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
