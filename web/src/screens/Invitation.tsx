// Accepting an invitation (the link an admin passed on, `/invitation?code=…`): a new person chooses a
// password; someone who already has a Groundwork account at the invited address gives that account's
// password, which is their consent to join (docs/adr/0016). The server answers the same way for both; the
// choice here only words the form. Once accepted, the app starts again, signed in to the chapter.
import { useState } from 'preact/hooks';
import { acceptInvitation } from '../api';
import { useI18n } from '../i18n';
import { ErrorSummary, PageTitle } from '../components/ui';

export function Invitation(props: { code: string }) {
  const { t, lang } = useI18n();
  const [existing, setExisting] = useState(false);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [passwordError, setPasswordError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  if (!props.code) {
    return (
      <section>
        <PageTitle>{t('invitation.title')}</PageTitle>
        <p role="alert">{t('invitation.noCode')}</p>
      </section>
    );
  }

  const refuse = (message: string, onPassword: boolean) => {
    setErrors([message]);
    setPasswordError(onPassword ? message : undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!password) return refuse(t('signIn.error.passwordMissing'), true);
    if (!existing && password.length < 12) return refuse(t('invitation.passwordShort'), true);
    setBusy(true);
    const answer = await acceptInvitation(props.code, password, lang);
    if (answer.outcome === 'ok') {
      // A full load: the app starts again as the new member, in the chapter that invited them.
      location.assign('/');
      return;
    }
    setBusy(false);
    if (answer.outcome === 'throttled') refuse(t('signIn.error.throttled'), false);
    else if (answer.outcome === 'disabled') refuse(t('signIn.error.disabled'), false);
    else if (answer.outcome === 'network') refuse(t('error.network'), false);
    else refuse(answer.message ?? t('error.generic'), answer.field === 'password');
  };

  const hint = existing ? undefined : 'invitation-password-hint';
  const described = [hint, passwordError ? 'invitation-password-error' : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <section>
      <PageTitle>{t('invitation.title')}</PageTitle>
      <p>{t('invitation.intro')}</p>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('invitation.choice')}</legend>
          <label class="check">
            <input type="radio" name="account" checked={!existing} onChange={() => setExisting(false)} />
            {t('invitation.new')}
          </label>
          <label class="check">
            <input type="radio" name="account" checked={existing} onChange={() => setExisting(true)} />
            {t('invitation.existing')}
          </label>
        </fieldset>
        <div class={`field${passwordError ? ' has-error' : ''}`}>
          <label for="invitation-password">{existing ? t('invitation.currentPassword') : t('invitation.newPassword')}</label>
          {hint && (
            <p class="hint" id={hint}>
              {t('me.newPasswordHint')}
            </p>
          )}
          {passwordError && (
            <p class="field-error" id="invitation-password-error">
              {passwordError}
            </p>
          )}
          <input
            id="invitation-password"
            type="password"
            autoComplete={existing ? 'current-password' : 'new-password'}
            aria-describedby={described}
            aria-invalid={passwordError ? 'true' : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? t('invitation.busy') : t('invitation.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
