// The access log (admins only): who read contact points or notes, exported or forgot someone, and when,
// newest first, a page at a time. People are shown by a link, never by name.
import { useQuery } from '@urql/preact';
import { graphql } from '../../gql';
import { useI18n, type Key } from '../../i18n';
import { Link, Loading, PageTitle } from '../../components/ui';
import { AdminNav, refusal } from './common';

export const PAGE_SIZE = 25;

const AccessLogDoc = graphql(`
  query AccessLog($first: Int!, $offset: Int!) {
    accessLog(first: $first, offset: $offset) {
      at
      userId
      action
      subjectId
      detail
    }
    users {
      id
      email
    }
  }
`);

const KNOWN_ACTIONS = ['READ_CONTACT_POINTS', 'READ_NOTES', 'EXPORT', 'FORGET_PERSON'];

export function AccessLog(props: { page: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const page = Math.max(1, props.page);
  // One entry more than a page tells whether there is a next page.
  const [{ data, error, fetching }] = useQuery({
    query: AccessLogDoc,
    variables: { first: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE },
    requestPolicy: 'network-only',
  });
  const entries = data?.accessLog.slice(0, PAGE_SIZE) ?? [];
  const hasNext = (data?.accessLog.length ?? 0) > PAGE_SIZE;
  const who = (id: string) => data?.users.find((user) => user.id === id)?.email ?? t('admin.log.formerUser');
  return (
    <section>
      <PageTitle>{t('admin.log.title')}</PageTitle>
      <AdminNav current="accessLog" />
      <p>{t('admin.log.intro')}</p>
      {fetching && !data ? (
        <Loading />
      ) : error && !data ? (
        <p role="alert">{refusal(i18n, error)}</p>
      ) : entries.length === 0 ? (
        <p class="empty">{t('admin.log.empty')}</p>
      ) : (
        <div class="table-wrap" role="region" aria-labelledby="log-caption" tabIndex={0}>
          <table class="data">
            <caption id="log-caption">{t('admin.log.caption', { page: i18n.number(page) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.log.when')}</th>
                <th scope="col">{t('admin.log.who')}</th>
                <th scope="col">{t('admin.log.what')}</th>
                <th scope="col">{t('admin.log.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, index) => (
                <tr key={`${entry.at}-${index}`}>
                  <td>{i18n.dateTime(entry.at)}</td>
                  <td>{who(entry.userId)}</td>
                  <td>
                    {KNOWN_ACTIONS.includes(entry.action) ? t(`admin.log.action.${entry.action}` as Key) : entry.action}
                    {entry.action === 'EXPORT' && entry.detail ? ` (${t('admin.log.rows', { rows: entry.detail })})` : ''}
                  </td>
                  <td>
                    {entry.subjectId && entry.action !== 'FORGET_PERSON' ? (
                      <Link href={`/people/${entry.subjectId}`}>{t('admin.log.openPerson')}</Link>
                    ) : entry.action === 'FORGET_PERSON' ? (
                      t('admin.log.forgotten')
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label={t('admin.log.pages')}>
        {page > 1 && (
          <Link href={page === 2 ? '/admin/access-log' : `/admin/access-log?page=${page - 1}`} class="button secondary">
            {t('admin.log.newer')}
          </Link>
        )}
        {hasNext && (
          <Link href={`/admin/access-log?page=${page + 1}`} class="button secondary">
            {t('admin.log.older')}
          </Link>
        )}
      </nav>
    </section>
  );
}
