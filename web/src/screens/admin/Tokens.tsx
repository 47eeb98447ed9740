// The caller's own API tokens (for scripts): create one — its secret is shown once, here, and never again —
// see when each was last used, and revoke one (it stops working at once).
import { useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from '../../gql';
import { useI18n, type Key } from '../../i18n';
import { useSession } from '../../session';
import { ErrorSummary, Loading, PageTitle } from '../../components/ui';
import { AdminNav, StatusLine, refusal, tokenRoles, useChange, type RoleName } from './common';

const TokensDoc = graphql(`
  query MyApiTokens {
    myApiTokens {
      id
      name
      role
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);
const CreateTokenDoc = graphql(`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
      }
    }
  }
`);
const RevokeTokenDoc = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revokedAt
    }
  }
`);

export function Tokens() {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({ query: TokensDoc });
  const [, create] = useMutation(CreateTokenDoc);
  const [, revoke] = useMutation(RevokeTokenDoc);
  const change = useChange();
  const roles = tokenRoles(session.role);
  const [name, setName] = useState('');
  const [role, setRole] = useState<RoleName>(roles[0]);
  const [missing, setMissing] = useState(false);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    let made: { name: string; token: string } | null = null;
    const ok = await change.run(async () => {
      const result = await create({ input: { name: name.trim(), role } });
      if (result.data) made = { name: result.data.createApiToken.apiToken.name, token: result.data.createApiToken.token };
      return result;
    }, t('admin.tokens.created'));
    if (ok) {
      setSecret(made);
      setName('');
      refetch({ requestPolicy: 'network-only' });
    }
  };
  const nameError = missing ? t('admin.tokens.nameMissing') : change.outcome.field === 'input.name' ? change.outcome.errors[0] : undefined;

  return (
    <section>
      <PageTitle>{t('admin.tokens.title')}</PageTitle>
      <AdminNav current="tokens" />
      <p>{t('admin.tokens.intro')}</p>
      <ErrorSummary title={t('error.summaryTitle')} messages={missing ? [t('admin.tokens.nameMissing')] : change.outcome.errors} />
      <StatusLine text={change.outcome.status} />
      {secret && (
        <div class="banner secret" role="region" aria-label={t('admin.tokens.secretRegion')}>
          <p>{t('admin.tokens.once', { name: secret.name })}</p>
          <p>
            <code class="secret-value" data-testid="token-secret">
              {secret.token}
            </code>
          </p>
        </div>
      )}
      <h2 id="new-token">{t('admin.tokens.createTitle')}</h2>
      <form onSubmit={submit} noValidate aria-labelledby="new-token">
        <div class={`field${nameError ? ' has-error' : ''}`}>
          <label for="token-name">{t('admin.tokens.name')}</label>
          <p class="hint" id="token-name-hint">
            {t('admin.tokens.nameHint')}
          </p>
          {nameError && (
            <p class="field-error" id="token-name-error">
              {nameError}
            </p>
          )}
          <input
            id="token-name"
            value={name}
            aria-describedby={nameError ? 'token-name-hint token-name-error' : 'token-name-hint'}
            aria-invalid={nameError ? 'true' : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="token-role">{t('admin.tokens.role')}</label>
          <select id="token-role" value={role} onChange={(e) => setRole(e.currentTarget.value as RoleName)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as Key)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={change.busy}>
            {t('admin.tokens.create')}
          </button>
        </div>
      </form>
      <h2>{t('admin.tokens.listTitle')}</h2>
      {fetching && !data ? (
        <Loading />
      ) : error && !data ? (
        <p role="alert">{refusal(i18n, error)}</p>
      ) : data?.myApiTokens.length === 0 ? (
        <p class="empty">{t('admin.tokens.none')}</p>
      ) : (
        <ul class="rows">
          {data?.myApiTokens.map((token) => (
            <li key={token.id} class="row row-split" data-token-id={token.id}>
              <span>
                <span class="row-title">{token.name}</span>
                <span class="row-meta">
                  {t(`role.${token.role}` as Key)} · {t('admin.tokens.createdAt', { when: i18n.dateTime(token.createdAt) })} ·{' '}
                  {token.lastUsedAt ? t('admin.tokens.lastUsed', { when: i18n.dateTime(token.lastUsedAt) }) : t('admin.tokens.neverUsed')}
                  {token.revokedAt ? ` · ${t('admin.tokens.revokedAt', { when: i18n.dateTime(token.revokedAt) })}` : ''}
                </span>
              </span>
              {!token.revokedAt && (
                <button
                  type="button"
                  class="button secondary"
                  disabled={change.busy}
                  aria-label={t('admin.tokens.revokeNamed', { name: token.name })}
                  onClick={async () => {
                    if (await change.run(() => revoke({ id: token.id }), t('admin.tokens.revoked'))) refetch({ requestPolicy: 'network-only' });
                  }}
                >
                  {t('admin.tokens.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
