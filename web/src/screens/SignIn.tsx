// Sign in with email and password. The messages say what to do next: check the password, wait (the
// server throttles repeated failures), or ask the chapter's admin (a disabled account, named by the server
// only after the right password).
import { useEffect, useState } from 'preact/hooks';
import { signIn } from '../api';
import { useI18n } from '../i18n';
import { ErrorSummary, PageTitle } from '../components/ui';

export function SignIn(props: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [oidcStart, setOidcStart] = useState<string | null>(null);

  useEffect(() => {
    // "Sign in with your organization" only when the server has single sign-on configured.
    fetch('/auth/providers', { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer: { oidc?: { startUrl?: string } | null } | null) => {
        const start = answer?.oidc?.startUrl;
        if (typeof start === 'string' && start.startsWith('/')) setOidcStart(start);
      })
      .catch(() => undefined);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing: string[] = [];
    if (!email.trim()) missing.push(t('signIn.error.emailMissing'));
    if (!password) missing.push(t('signIn.error.passwordMissing'));
    if (missing.length > 0) {
      setErrors(missing);
      return;
    }
    setBusy(true);
    const outcome = await signIn(email.trim(), password);
    setBusy(false);
    if (outcome === 'ok') {
      setErrors([]);
      setPassword('');
      props.onSignedIn();
    } else if (outcome === 'throttled') {
      setErrors([t('signIn.error.throttled')]);
    } else if (outcome === 'disabled') {
      setErrors([t('signIn.error.disabled')]);
    } else if (outcome === 'network') {
      setErrors([t('error.network')]);
    } else {
      setErrors([t('signIn.error.wrong')]);
    }
  };

  return (
    <section class="sign-in">
      <PageTitle>{t('signIn.title')}</PageTitle>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="email">{t('signIn.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">{t('signIn.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </div>
      </form>
      {oidcStart && (
        <p class="actions">
          <a class="button secondary" href={oidcStart}>
            {t('signIn.oidc')}
          </a>
        </p>
      )}
    </section>
  );
}
