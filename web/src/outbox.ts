// Changes made without a signal (log a 1:1, assess, add a note) wait here, in this browser's storage, and are
// sent once the phone is back online — with the idempotency keys they were made with, so a change that did
// reach the server before the signal dropped is stored once. Sign-out empties the outbox.
import type { Client } from '@urql/core';
import { AddNoteDoc, AssessDoc, LogOneOnOneDoc } from './mutations';
import { errorCode, rememberVersion } from './api';

export type OutboxKind = 'assess' | 'logOneOnOne' | 'addNote';

export interface OutboxItem {
  kind: OutboxKind;
  personId: string;
  variables: Record<string, unknown>;
}

const KEY = 'groundwork.outbox';
const listeners = new Set<() => void>();

export function pending(): OutboxItem[] {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(kept) ? (kept as OutboxItem[]) : [];
  } catch {
    return [];
  }
}

function keep(items: OutboxItem[]): void {
  try {
    if (items.length === 0) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(items));
  } catch {
    /* storage full or unavailable: the change stays in memory only until the page closes */
  }
  listeners.forEach((listener) => listener());
}

export function enqueue(item: OutboxItem): void {
  keep([...pending(), item]);
}

export function clearOutbox(): void {
  keep([]);
}

export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface DrainReport {
  sent: number;
  /// Changes someone else's change overtook while this phone was offline (CONFLICT), or the server refused.
  refused: OutboxItem[];
}

let draining: Promise<DrainReport> | null = null;

/// Sends what waits, oldest first; stops at the first network failure (still offline) and keeps the rest.
export function drain(client: Client): Promise<DrainReport> {
  if (!draining) {
    draining = run(client).finally(() => {
      draining = null;
    });
  }
  return draining;
}

async function run(client: Client): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, refused: [] };
  for (;;) {
    const [item] = pending();
    if (!item) return report;
    const result = await send(client, item);
    const code = errorCode(result.error);
    if (code === 'NETWORK') return report;
    if (!result.error) {
      report.sent += 1;
      const version = (Object.values(result.data ?? {})[0] as { version?: number } | null)?.version;
      if (typeof version === 'number') rememberVersion(item.personId, version);
    } else {
      report.refused.push(item);
    }
    keep(pending().slice(1));
  }
}

function send(client: Client, item: OutboxItem) {
  const variables = item.variables as never;
  switch (item.kind) {
    case 'assess':
      return client.mutation(AssessDoc, variables, { requestPolicy: 'network-only' }).toPromise();
    case 'logOneOnOne':
      return client.mutation(LogOneOnOneDoc, variables, { requestPolicy: 'network-only' }).toPromise();
    case 'addNote':
      return client.mutation(AddNoteDoc, variables, { requestPolicy: 'network-only' }).toPromise();
  }
}
