// The admin section's first page: what the person may manage here (users and the access log for admins,
// each campaign's set-up for leads and admins, their own API tokens for everyone).
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { Link, PageTitle } from '../../components/ui';
import { AdminNav, managesUsers, setsUpCampaigns } from './common';

export function AdminHub() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <section>
      <PageTitle>{t('admin.hub.title')}</PageTitle>
      <AdminNav current="hub" />
      <ul class="cards">
        {managesUsers(session) && (
          <li class="card">
            <h2>
              <Link href="/admin/users">{t('admin.nav.users')}</Link>
            </h2>
            <p>{t('admin.hub.usersHint')}</p>
          </li>
        )}
        {managesUsers(session) && (
          <li class="card">
            <h2>
              <Link href="/admin/access-log">{t('admin.nav.accessLog')}</Link>
            </h2>
            <p>{t('admin.hub.accessLogHint')}</p>
          </li>
        )}
        <li class="card">
          <h2>
            <Link href="/admin/tokens">{t('admin.nav.tokens')}</Link>
          </h2>
          <p>{t('admin.hub.tokensHint')}</p>
        </li>
        {setsUpCampaigns(session) && (
          <li class="card">
            <h2>{t('admin.hub.setup')}</h2>
            <p>{t('admin.hub.setupHint')}</p>
            {session.campaigns.length === 0 ? (
              <p>{t('home.noCampaigns')}</p>
            ) : (
              <ul class="link-list">
                {session.campaigns.map((campaign) => (
                  <li key={campaign.id}>
                    <Link href={`/admin/campaigns/${campaign.id}`}>{t('admin.hub.setupOf', { name: campaign.name })}</Link>
                    {' · '}
                    <Link href={`/admin/campaigns/${campaign.id}/import`}>{t('imports.openFor', { name: campaign.name })}</Link>
                  </li>
                ))}
              </ul>
            )}
          </li>
        )}
      </ul>
    </section>
  );
}
