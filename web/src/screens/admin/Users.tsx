// Users (admins only; the server refuses everyone else): the chapter's members with their role and whether
// they are disabled, the invitations waiting for an answer, and inviting someone. An invitation's link is
// shown once, to pass on; the person invited chooses their own password (or consents with the one of the
// account they already have) on the invitation page (docs/adr/0016).
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from '../../gql';
import { useI18n, type Key } from '../../i18n';
import { ErrorSummary, Link, Loading, PageTitle } from '../../components/ui';
import { AdminNav, ROLES, StatusLine, refusal, useChange, type RoleName } from './common';

export const UsersDoc = graphql(`
  query AdminUsers {
    users {
      id
      email
      role
      personalData
      canExport
      disabled
      campaignIds
      turfUnits {
        campaignId
        unitId
      }
    }
  }
`);

export const InvitationsDoc = graphql(`
  query AdminInvitations {
    invitations {
      id
      email
      role
      expiresAt
      expired
    }
  }
`);

const AddUserDoc = graphql(`
  mutation AddUser($input: AddUserInput!) {
    addUser(input: $input) {
      invitation {
        id
        email
      }
      path
    }
  }
`);

const RevokeInvitationDoc = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      id
    }
  }
`);

export function Users() {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const [{ data, error, fetching }, refetch] = useQuery({ query: UsersDoc });
  const [invitations, refetchInvitations] = useQuery({ query: InvitationsDoc });
  const [, addUser] = useMutation(AddUserDoc);
  const [, revokeInvitation] = useMutation(RevokeInvitationDoc);
  const change = useChange();
  const [copied, setCopied] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleName>('ORGANIZER');
  const [personalData, setPersonalData] = useState(false);
  const [canExport, setCanExport] = useState(false);
  const [added, setAdded] = useState<{ email: string; link: string } | null>(null);
  const [missing, setMissing] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!email.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    let answer: { email: string; link: string } | null = null;
    setCopied('');
    const ok = await change.run(async () => {
      const result = await addUser({ input: { email: email.trim(), role, personalData, canExport } });
      // The link is on this server's own address: the invitee opens the app where the admin works.
      if (result.data) answer = { email: result.data.addUser.invitation.email, link: `${location.origin}${result.data.addUser.path}` };
      return result;
    }, t('admin.users.added'));
    if (ok) {
      setAdded(answer);
      setEmail('');
      refetch({ requestPolicy: 'network-only' });
      refetchInvitations({ requestPolicy: 'network-only' });
    }
  };

  const copy = async (link: string) => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(t('admin.users.copied'));
    } catch {
      setCopied(t('admin.users.copyFailed'));
    }
  };

  const withdraw = async (id: string) => {
    const ok = await change.run(() => revokeInvitation({ id }), t('admin.users.withdrawn'));
    if (ok) refetchInvitations({ requestPolicy: 'network-only' });
  };

  const emailError = missing ? t('admin.users.emailMissing') : change.outcome.field === 'input.email' ? change.outcome.errors[0] : undefined;
  return (
    <section>
      <PageTitle>{t('admin.users.title')}</PageTitle>
      <AdminNav current="users" />
      {fetching && !data ? (
        <Loading />
      ) : error && !data ? (
        <p role="alert">{refusal(i18n, error)}</p>
      ) : (
        <>
          <p>{plural('admin.users.count', data?.users.length ?? 0)}</p>
          <ul class="rows">
            {data?.users.map((user) => (
              <li key={user.id} class="row" data-user-id={user.id}>
                <Link href={`/admin/users/${user.id}`} class="row-link">
                  <span class="row-title">{user.email}</span>
                  <span class="row-meta">
                    {t(`role.${user.role}` as Key)}
                    {user.disabled ? ` · ${t('admin.users.disabled')}` : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {(invitations.data?.invitations.length ?? 0) > 0 && (
        <>
          <h2 id="pending-invitations">{t('admin.users.pendingTitle')}</h2>
          <ul class="rows" aria-labelledby="pending-invitations">
            {invitations.data?.invitations.map((invitation) => (
              <li key={invitation.id} class="row" data-invitation-id={invitation.id}>
                <span class="row-title">{invitation.email}</span>
                <span class="row-meta">
                  {t('admin.users.pendingMeta', { role: t(`role.${invitation.role}` as Key), date: i18n.date(invitation.expiresAt) })}
                  {invitation.expired ? ` · ${t('admin.users.expired')}` : ''}
                </span>
                <button
                  type="button"
                  class="button secondary"
                  aria-label={t('admin.users.withdrawWho', { email: invitation.email })}
                  disabled={change.busy}
                  onClick={() => void withdraw(invitation.id)}
                >
                  {t('admin.users.withdraw')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 id="add-user">{t('admin.users.addTitle')}</h2>
      <ErrorSummary title={t('error.summaryTitle')} messages={missing ? [t('admin.users.emailMissing')] : change.outcome.errors} />
      <StatusLine text={change.outcome.status} />
      {added && (
        <div class="banner secret" role="region" aria-label={t('admin.users.linkRegion')}>
          <p>{t('admin.users.addedWho', { email: added.email })}</p>
          <p>
            <code class="secret-value" data-testid="invitation-link">
              {added.link}
            </code>
          </p>
          <p class="actions">
            <button type="button" class="button secondary" onClick={() => void copy(added.link)}>
              {t('admin.users.copy')}
            </button>
          </p>
          <StatusLine text={copied} />
        </div>
      )}
      <form onSubmit={submit} noValidate aria-labelledby="add-user">
        <div class={`field${emailError ? ' has-error' : ''}`}>
          <label for="new-user-email">{t('admin.users.email')}</label>
          {emailError && (
            <p class="field-error" id="new-user-email-error">
              {emailError}
            </p>
          )}
          <input
            id="new-user-email"
            type="email"
            autoComplete="off"
            value={email}
            aria-describedby={emailError ? 'new-user-email-error' : undefined}
            aria-invalid={emailError ? 'true' : undefined}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-user-role">{t('admin.users.role')}</label>
          <select id="new-user-role" value={role} onChange={(e) => setRole(e.currentTarget.value as RoleName)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as Key)}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={personalData} onChange={(e) => setPersonalData(e.currentTarget.checked)} />
          {t('admin.users.personalData')}
        </label>
        <label class="check">
          <input type="checkbox" checked={canExport} onChange={(e) => setCanExport(e.currentTarget.checked)} />
          {t('admin.users.canExport')}
        </label>
        <div class="actions">
          <button type="submit" class="button primary" disabled={change.busy}>
            {t('admin.users.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
