// The app's one connection to the server: GraphQL over HTTP (urql) with the session cookie and the CSRF
// header, subscriptions over graphql-ws, and the password endpoints under /auth.
import { Client, cacheExchange, fetchExchange, subscriptionExchange, CombinedError } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/// The header every cookie-authenticated request carries (see api/src/http.rs): a cross-site form cannot set it.
export const CSRF_HEADER = 'X-Groundwork-CSRF';

let ws: WsClient | null = null;

function wsClient(): WsClient {
  if (!ws) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = createWsClient({
      url: `${scheme}://${location.host}/graphql/ws`,
      lazy: true,
      retryAttempts: Infinity,
      // Reconnect quickly after a lost signal; graphql-ws backs off between tries.
      shouldRetry: () => true,
    });
  }
  return ws;
}

export function createApiClient(): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ credentials: 'same-origin', headers: { [CSRF_HEADER]: '1' } }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = wsClient().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

/// Closes the WebSocket (on sign-out), so the next identity opens its own.
export function closeSocket(): void {
  ws?.dispose();
  ws = null;
}

/// The machine-readable code of a GraphQL error (`extensions.code`): CONFLICT, VALIDATION, FORBIDDEN, …
export function errorCode(error: CombinedError | undefined): string | undefined {
  if (!error) return undefined;
  for (const e of error.graphQLErrors) {
    const code = e.extensions?.code;
    if (typeof code === 'string') return code;
  }
  const status = (error.response as Response | undefined)?.status;
  if (status === 401) return 'UNAUTHENTICATED';
  if (error.networkError) return 'NETWORK';
  return undefined;
}

/// The field a VALIDATION error names, if any.
export function errorField(error: CombinedError | undefined): string | undefined {
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    if (typeof field === 'string') return field;
  }
  return undefined;
}

/// A fresh idempotency key: the same change sent twice (a double tap, a retry) is stored once.
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/// The version of each person the app last saw in a mutation's answer, sent back as `expectedVersion`.
/// (Queries do not expose a version yet, so the first change after loading a page sends none.)
const versions = new Map<string, number>();
export const seenVersion = (id: string): number | undefined => versions.get(id);
export const rememberVersion = (id: string, version: number): void => {
  versions.set(id, version);
};

export type SignInOutcome = 'ok' | 'wrong' | 'throttled' | 'disabled' | 'network';

export async function signIn(email: string, password: string): Promise<SignInOutcome> {
  try {
    const response = await fetch('/auth/sign-in', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({ email, password }),
    });
    if (response.ok) return 'ok';
    if (response.status === 429) return 'throttled';
    if (response.status === 403) {
      // Said only after the right password (the server names a disabled account to nobody else).
      const answer = (await response.json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
      if (answer?.errors?.[0]?.extensions?.code === 'ACCOUNT_DISABLED') return 'disabled';
    }
    return 'wrong';
  } catch {
    return 'network';
  }
}

export async function signOut(): Promise<void> {
  try {
    await fetch('/auth/sign-out', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { [CSRF_HEADER]: '1' },
    });
  } finally {
    closeSocket();
    versions.clear();
    // Sign-out clears what the app kept in this browser.
    try {
      sessionStorage.clear();
      // Changes made offline belong to this session: the next person to sign in must not send them.
      localStorage.removeItem('groundwork.outbox');
    } catch {
      /* storage may be unavailable (private mode); nothing to clear then */
    }
  }
}

export interface InvitationOutcome {
  outcome: 'ok' | 'refused' | 'throttled' | 'disabled' | 'network';
  /// The field the server's refusal names (`code` or `password`), and its message in `lang`.
  field?: string;
  message?: string;
}

/// Accepts an invitation with its code: a new person's chosen password, or the password of the account the
/// invited address already has. On success the server has set the session cookie (in the invitation's
/// chapter).
export async function acceptInvitation(code: string, password: string, lang: string): Promise<InvitationOutcome> {
  try {
    const response = await fetch('/auth/invitation', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': lang, [CSRF_HEADER]: '1' },
      body: JSON.stringify({ code, password }),
    });
    if (response.ok) return { outcome: 'ok' };
    if (response.status === 429) return { outcome: 'throttled' };
    const answer = (await response.json().catch(() => null)) as {
      errors?: { message?: string; extensions?: { code?: string; field?: string } }[];
    } | null;
    const error = answer?.errors?.[0];
    if (error?.extensions?.code === 'ACCOUNT_DISABLED') return { outcome: 'disabled' };
    const field = error?.extensions?.field;
    // The message starts with the field's name (`password: …`): the form shows it by the field instead.
    const message = error?.message?.replace(/^[A-Za-z.]+: /, '');
    return { outcome: 'refused', field, message };
  } catch {
    return { outcome: 'network' };
  }
}

export type SetupOutcome = 'ok' | 'invalid' | 'gone' | 'network';

/// First start: names the chapter and creates its first admin through the one-time setup address.
export async function completeSetup(
  token: string,
  body: { chapterName: string; email: string; password: string },
): Promise<{ outcome: SetupOutcome; message?: string }> {
  try {
    const response = await fetch(`/setup/${encodeURIComponent(token)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify(body),
    });
    if (response.ok) return { outcome: 'ok' };
    if (response.status === 404) return { outcome: 'gone' };
    const answer = (await response.json().catch(() => null)) as { error?: string } | null;
    return { outcome: 'invalid', message: answer?.error };
  } catch {
    return { outcome: 'network' };
  }
}
