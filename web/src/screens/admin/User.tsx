// One member of the chapter (admins only): their role and grants, the campaigns they are narrowed to, their
// turf units, disabling or enabling the account, and a new temporary password (shown once).
import { useEffect, useState } from 'preact/hooks';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from '../../gql';
import { useI18n, type Key } from '../../i18n';
import { useSession } from '../../session';
import { ErrorSummary, Link, Loading, PageTitle } from '../../components/ui';
import { AdminNav, ROLES, StatusLine, refusal, useChange, type RoleName } from './common';
import { UsersDoc } from './Users';

const SetRoleDoc = graphql(`
  mutation SetUserRole($input: SetUserRoleInput!) {
    setUserRole(input: $input) {
      id
      role
      personalData
      canExport
    }
  }
`);
const DisableDoc = graphql(`
  mutation DisableUser($userId: ID!) {
    disableUser(userId: $userId) {
      id
      disabled
    }
  }
`);
const EnableDoc = graphql(`
  mutation EnableUser($userId: ID!) {
    enableUser(userId: $userId) {
      id
      disabled
    }
  }
`);
const ResetDoc = graphql(`
  mutation ResetUserPassword($userId: ID!) {
    resetUserPassword(userId: $userId)
  }
`);
const CampaignsDoc = graphql(`
  mutation SetUserCampaigns($input: SetUserCampaignsInput!) {
    setUserCampaigns(input: $input) {
      id
      campaignIds
    }
  }
`);
const AssignTurfDoc = graphql(`
  mutation AssignTurfUnit($input: TurfUnitInput!) {
    assignTurfUnit(input: $input) {
      id
    }
  }
`);
const UnassignTurfDoc = graphql(`
  mutation UnassignTurfUnit($input: TurfUnitInput!) {
    unassignTurfUnit(input: $input) {
      id
    }
  }
`);
export const UnitTreeDoc = graphql(`
  query UnitTree($campaignId: ID!) {
    wallChart(campaignId: $campaignId) {
      units {
        id
        parentId
        depth
        name
        kind
        retired
      }
    }
  }
`);

export function User(props: { userId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({ query: UsersDoc });
  const user = data?.users.find((u) => u.id === props.userId);
  const [, setRoleM] = useMutation(SetRoleDoc);
  const [, disable] = useMutation(DisableDoc);
  const [, enable] = useMutation(EnableDoc);
  const [, reset] = useMutation(ResetDoc);
  const [, setCampaigns] = useMutation(CampaignsDoc);
  const [, assignTurf] = useMutation(AssignTurfDoc);
  const [, unassignTurf] = useMutation(UnassignTurfDoc);
  const change = useChange();
  const [role, setRole] = useState<RoleName>('ORGANIZER');
  const [personalData, setPersonalData] = useState(false);
  const [canExport, setCanExport] = useState(false);
  const [narrowed, setNarrowed] = useState<string[]>([]);
  const [password, setPassword] = useState<string | null>(null);
  const [turfCampaign, setTurfCampaign] = useState(session.campaigns[0]?.id ?? '');
  const [turfUnit, setTurfUnit] = useState('');
  const [{ data: tree }] = useQuery({ query: UnitTreeDoc, variables: { campaignId: turfCampaign }, pause: !turfCampaign });
  const units = tree?.wallChart?.units.filter((unit) => !unit.retired) ?? [];

  useEffect(() => {
    if (!user) return;
    setRole(user.role);
    setPersonalData(user.personalData);
    setCanExport(user.canExport);
    setNarrowed(user.campaignIds ?? []);
  }, [user?.id, user?.role, user?.personalData, user?.canExport, (user?.campaignIds ?? []).join(',')]);

  if (fetching && !data) return <Loading />;
  if (error && !data) return <p role="alert">{refusal(i18n, error)}</p>;
  if (!user) {
    return (
      <section>
        <PageTitle>{t('admin.user.notFound')}</PageTitle>
        <p>
          <Link href="/admin/users">{t('admin.user.back')}</Link>
        </p>
      </section>
    );
  }
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const campaignName = (id: string) => session.campaigns.find((c) => c.id === id)?.name ?? t('admin.user.otherCampaign');
  const unitName = (campaignId: string, unitId: string) =>
    (campaignId === turfCampaign ? tree?.wallChart?.units.find((u) => u.id === unitId)?.name : undefined) ?? t('admin.user.unitElsewhere');

  return (
    <section>
      <PageTitle>{t('admin.user.title', { email: user.email })}</PageTitle>
      <AdminNav current="users" />
      <p>
        <Link href="/admin/users">{t('admin.user.back')}</Link>
      </p>
      <ErrorSummary title={t('error.summaryTitle')} messages={change.outcome.errors} />
      <StatusLine text={change.outcome.status} />
      {password && (
        <div class="banner secret" role="region" aria-label={t('admin.users.passwordRegion')}>
          <p>{t('admin.users.passwordOnce')}</p>
          <p>
            <code class="secret-value" data-testid="temporary-password">
              {password}
            </code>
          </p>
        </div>
      )}

      <h2 id="role-heading">{t('admin.user.roleHeading')}</h2>
      <form
        aria-labelledby="role-heading"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await change.run(() => setRoleM({ input: { userId: user.id, role, personalData, canExport } }), t('admin.user.roleSaved'))) reload();
        }}
      >
        <div class="field">
          <label for="user-role">{t('admin.users.role')}</label>
          <select id="user-role" value={role} onChange={(e) => setRole(e.currentTarget.value as RoleName)}>
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
          <button type="submit" class="button secondary" disabled={change.busy}>
            {t('admin.user.saveRole')}
          </button>
        </div>
      </form>

      <h2 id="campaigns-heading">{t('admin.user.campaignsHeading')}</h2>
      {user.role === 'ADMIN' ? (
        <p>{t('admin.user.adminEveryCampaign')}</p>
      ) : (
        <form
          aria-labelledby="campaigns-heading"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await change.run(() => setCampaigns({ input: { userId: user.id, campaignIds: narrowed } }), t('admin.user.campaignsSaved'))) reload();
          }}
        >
          <fieldset>
            <legend>{t('admin.user.campaignsLegend')}</legend>
            <p class="hint">{t('admin.user.campaignsHint')}</p>
            {session.campaigns.map((campaign) => (
              <label key={campaign.id} class="check">
                <input
                  type="checkbox"
                  checked={narrowed.includes(campaign.id)}
                  onChange={(e) =>
                    setNarrowed(e.currentTarget.checked ? [...narrowed, campaign.id] : narrowed.filter((id) => id !== campaign.id))
                  }
                />
                {campaign.name}
              </label>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit" class="button secondary" disabled={change.busy}>
              {t('admin.user.saveCampaigns')}
            </button>
          </div>
        </form>
      )}

      <h2 id="turf-heading">{t('admin.user.turfHeading')}</h2>
      {user.turfUnits.length === 0 ? (
        <p>{t('admin.user.noTurf')}</p>
      ) : (
        <ul class="rows">
          {user.turfUnits.map((turf) => (
            <li key={`${turf.campaignId}/${turf.unitId}`} class="row row-split">
              <span>
                {unitName(turf.campaignId, turf.unitId)} · {campaignName(turf.campaignId)}
              </span>
              <button
                type="button"
                class="button secondary"
                disabled={change.busy}
                onClick={async () => {
                  if (await change.run(() => unassignTurf({ input: { userId: user.id, campaignId: turf.campaignId, unitId: turf.unitId } }), t('admin.user.turfRemoved'))) reload();
                }}
              >
                {t('admin.user.removeTurf')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        aria-labelledby="turf-heading"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!turfCampaign || !turfUnit) return;
          if (await change.run(() => assignTurf({ input: { userId: user.id, campaignId: turfCampaign, unitId: turfUnit } }), t('admin.user.turfAdded'))) reload();
        }}
      >
        {session.campaigns.length > 1 && (
          <div class="field">
            <label for="turf-campaign">{t('nav.campaign')}</label>
            <select
              id="turf-campaign"
              value={turfCampaign}
              onChange={(e) => {
                setTurfCampaign(e.currentTarget.value);
                setTurfUnit('');
              }}
            >
              {session.campaigns.map((campaign) => (
                <option key={campaign.id} value={campaign.id}>
                  {campaign.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="turf-unit">{t('admin.user.turfUnit')}</label>
          <select id="turf-unit" value={turfUnit} onChange={(e) => setTurfUnit(e.currentTarget.value)}>
            <option value="">{t('admin.user.pickUnit')}</option>
            {units.map((unit) => (
              <option key={unit.id} value={unit.id}>
                {`${'— '.repeat(unit.depth)}${unit.name}`}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="button secondary" disabled={change.busy || !turfUnit}>
            {t('admin.user.addTurf')}
          </button>
        </div>
      </form>

      <h2>{t('admin.user.accountHeading')}</h2>
      <p>{user.disabled ? t('admin.user.isDisabled') : t('admin.user.isEnabled')}</p>
      <div class="actions">
        {user.disabled ? (
          <button
            type="button"
            class="button secondary"
            disabled={change.busy}
            onClick={async () => {
              if (await change.run(() => enable({ userId: user.id }), t('admin.user.enabled'))) reload();
            }}
          >
            {t('admin.user.enable')}
          </button>
        ) : (
          <button
            type="button"
            class="button secondary"
            disabled={change.busy}
            onClick={async () => {
              if (await change.run(() => disable({ userId: user.id }), t('admin.user.disabledNow'))) reload();
            }}
          >
            {t('admin.user.disable')}
          </button>
        )}
        <button
          type="button"
          class="button secondary"
          disabled={change.busy}
          onClick={async () => {
            let fresh: string | null = null;
            const ok = await change.run(async () => {
              const result = await reset({ userId: user.id });
              fresh = result.data?.resetUserPassword ?? null;
              return result;
            }, t('admin.user.passwordReset'));
            if (ok) setPassword(fresh);
          }}
        >
          {t('admin.user.resetPassword')}
        </button>
      </div>
    </section>
  );
}
