// What the admin and set-up screens share: running a change and saying how it went (in the person's own
// language, next to the field the server names), the roles in order, and the admin section's sub-navigation.
import { useState } from 'preact/hooks';
import type { CombinedError } from '@urql/core';
import { errorCode, errorField, idempotencyKey } from '../../api';
import { useI18n, type I18n } from '../../i18n';
import { Link } from '../../components/ui';
import { useSession, type Session } from '../../session';

export const ROLES = ['ACTIVIST', 'ANALYST', 'ORGANIZER', 'LEAD', 'ADMIN'] as const;
export type RoleName = (typeof ROLES)[number];

/// The roles a token of someone with `role` may have (the server checks again and is the authority).
export function tokenRoles(role: RoleName): RoleName[] {
  switch (role) {
    case 'ADMIN':
      return [...ROLES];
    case 'LEAD':
      return ['ACTIVIST', 'ANALYST', 'ORGANIZER', 'LEAD'];
    case 'ORGANIZER':
      return ['ACTIVIST', 'ORGANIZER'];
    default:
      return [role];
  }
}

/// Whether the role manages the chapter's users and reads the access log (admins).
export const managesUsers = (session: Session): boolean => session.role === 'ADMIN';
/// Whether the role sets campaigns up: units, fields, the scale's labels (leads and admins).
export const setsUpCampaigns = (session: Session): boolean => session.role === 'ADMIN' || session.role === 'LEAD';

/// The sentence for a refused change, in the person's language.
export function refusal(i18n: I18n, error: CombinedError): string {
  const code = errorCode(error);
  if (code === 'NETWORK') return i18n.t('error.network');
  if (code === 'FORBIDDEN') return i18n.t('error.forbidden');
  if (code === 'CONFLICT') return i18n.t('admin.error.conflict');
  if (code === 'VALIDATION' || code === 'NOT_FOUND') {
    return i18n.t('error.validation', { message: error.graphQLErrors[0]?.message ?? '' });
  }
  return i18n.t('error.generic');
}

export interface Outcome {
  errors: string[];
  /// The input field a VALIDATION error names (`input.name`, `language`, …).
  field: string | undefined;
  status: string;
}

/// Runs changes one at a time: `run(send, done)` gives the change a fresh idempotency key (a double tap
/// stores once), then shows `done` in the status line or the refusal in the error summary.
export function useChange(): {
  outcome: Outcome;
  busy: boolean;
  run: (send: (key: string) => Promise<{ error?: CombinedError }>, done: string) => Promise<boolean>;
  clear: () => void;
} {
  const i18n = useI18n();
  const [outcome, setOutcome] = useState<Outcome>({ errors: [], field: undefined, status: '' });
  const [busy, setBusy] = useState(false);
  const run = async (send: (key: string) => Promise<{ error?: CombinedError }>, done: string) => {
    if (busy) return false;
    setBusy(true);
    const result = await send(idempotencyKey());
    setBusy(false);
    if (result.error) {
      setOutcome({ errors: [refusal(i18n, result.error)], field: errorField(result.error), status: '' });
      return false;
    }
    setOutcome({ errors: [], field: undefined, status: done });
    return true;
  };
  return { outcome, busy, run, clear: () => setOutcome({ errors: [], field: undefined, status: '' }) };
}

/// The admin section's own links, shown above each of its screens.
export function AdminNav(props: { current: 'hub' | 'users' | 'accessLog' | 'tokens' | 'setup' }) {
  const { t } = useI18n();
  const session = useSession();
  const links: { key: typeof props.current; href: string; label: string }[] = [
    { key: 'hub', href: '/admin', label: t('admin.nav.hub') },
  ];
  if (managesUsers(session)) {
    links.push({ key: 'users', href: '/admin/users', label: t('admin.nav.users') });
    links.push({ key: 'accessLog', href: '/admin/access-log', label: t('admin.nav.accessLog') });
  }
  links.push({ key: 'tokens', href: '/admin/tokens', label: t('admin.nav.tokens') });
  return (
    <nav class="sub-nav" aria-label={t('admin.nav.label')}>
      <ul>
        {links.map((link) => (
          <li key={link.key}>
            <Link href={link.href} aria-current={link.key === props.current ? 'page' : undefined}>
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/// A status line that screen readers announce (empty until something happened).
export function StatusLine(props: { text: string }) {
  return (
    <div role="status" class="status-line">
      {props.text}
    </div>
  );
}
