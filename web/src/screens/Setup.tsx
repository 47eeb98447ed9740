// First start: the one-time setup address names the chapter and creates its first admin, then signs in.
import { useState } from 'preact/hooks';
import { completeSetup, signIn } from '../api';
import { useI18n } from '../i18n';
import { ErrorSummary, PageTitle } from '../components/ui';

export function Setup(props: { token: string }) {
  const { t } = useI18n();
  const [chapterName, setChapterName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing: string[] = [];
    if (!chapterName.trim()) missing.push(t('setup.error.chapterMissing'));
    if (!email.trim()) missing.push(t('signIn.error.emailMissing'));
    if (password.length < 12) missing.push(t('setup.error.passwordShort'));
    if (missing.length > 0) {
      setErrors(missing);
      return;
    }
    setBusy(true);
    const { outcome, message } = await completeSetup(props.token, { chapterName: chapterName.trim(), email: email.trim(), password });
    if (outcome === 'ok') {
      const signedIn = await signIn(email.trim(), password);
      // A full load: the app starts again as the new admin.
      location.assign(signedIn === 'ok' ? '/' : '/sign-in');
      return;
    }
    setBusy(false);
    setErrors([
      outcome === 'gone'
        ? t('setup.error.gone')
        : outcome === 'network'
          ? t('error.network')
          : t('setup.error.invalid', { message: message ?? '' }),
    ]);
  };

  return (
    <section>
      <PageTitle>{t('setup.title')}</PageTitle>
      <p>{t('setup.intro')}</p>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="chapter-name">{t('setup.chapterName')}</label>
          <input id="chapter-name" value={chapterName} onInput={(e) => setChapterName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="setup-email">{t('signIn.email')}</label>
          <input id="setup-email" type="email" autoComplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="setup-password">{t('setup.password')}</label>
          <p class="hint" id="setup-password-hint">
            {t('me.newPasswordHint')}
          </p>
          <input
            id="setup-password"
            type="password"
            autoComplete="new-password"
            aria-describedby="setup-password-hint"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {t('setup.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
