// Me: the language, changing the password, and signing out (which clears what the app kept here).
import { useState } from 'preact/hooks';
import { CSRF_HEADER, signOut } from '../api';
import { LANGS, useI18n, type Lang } from '../i18n';
import { useSession } from '../session';
import { ErrorSummary, Link, PageTitle } from '../components/ui';
import { navigate } from '../router';
import { pending } from '../outbox';
import type { Key } from '../i18n';

export function Me(props: { lang: Lang; setLang: (lang: Lang) => void }) {
  const { t, plural } = useI18n();
  const session = useSession();
  const unsent = pending().length;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [status, setStatus] = useState('');

  const changePassword = async (event: Event) => {
    event.preventDefault();
    const response = await fetch('/auth/password', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({ currentPassword: current, newPassword: next }),
    }).catch(() => null);
    if (response?.ok) {
      setErrors([]);
      setStatus(t('me.passwordChanged'));
      await signOut();
      navigate('/sign-in', true);
      location.reload();
    } else if (response?.status === 401) {
      setErrors([t('me.passwordWrong')]);
    } else if (response?.status === 400) {
      setErrors([t('me.passwordInvalid')]);
    } else {
      setErrors([t('error.network')]);
    }
  };

  return (
    <section>
      <PageTitle>{t('me.title')}</PageTitle>
      <p>{t('me.role', { role: t(`role.${session.role}` as Key) })}</p>
      <fieldset class="language">
        <legend>{t('me.language')}</legend>
        {LANGS.map((lang) => (
          <label key={lang} class="check" lang={lang}>
            <input type="radio" name="lang" checked={props.lang === lang} onChange={() => props.setLang(lang)} />
            {lang === 'en' ? 'English' : 'Español'}
          </label>
        ))}
      </fieldset>
      <h2>{t('me.tokensHeading')}</h2>
      <p>
        <Link href="/admin/tokens">{t('me.tokensLink')}</Link>
      </p>
      <h2>{t('me.changePassword')}</h2>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      <div role="status" class="status-line">
        {status}
      </div>
      <form onSubmit={changePassword}>
        <div class="field">
          <label for="current-password">{t('me.currentPassword')}</label>
          <input id="current-password" type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="new-password">{t('me.newPassword')}</label>
          <p class="hint" id="new-password-hint">
            {t('me.newPasswordHint')}
          </p>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            aria-describedby="new-password-hint"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button secondary">
            {t('me.changePasswordButton')}
          </button>
        </div>
      </form>
      <h2>{t('me.signOutHeading')}</h2>
      {unsent > 0 && <p class="banner">{plural('me.unsent', unsent)}</p>}
      <div class="actions">
        <button
          type="button"
          class="button primary"
          onClick={async () => {
            await signOut();
            navigate('/sign-in', true);
            location.reload();
          }}
        >
          {t('me.signOut')}
        </button>
      </div>
    </section>
  );
}
