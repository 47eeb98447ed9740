// The level distribution as a labelled list with bars: every bar has its number and label in text, and
// the bar's length only repeats what the text says.
import { useI18n } from '../i18n';
import type { ScaleLevel } from '../components/ui';

export function LevelBars(props: {
  perLevel: { level: number; count: number }[];
  people: number;
  assessed: number;
  scale: ScaleLevel[];
}) {
  const { t, number } = useI18n();
  const rows = props.scale.map((entry) => ({
    key: String(entry.level),
    name: `${entry.level} · ${entry.label}`,
    count: props.perLevel.find((row) => row.level === entry.level)?.count ?? 0,
    level: entry.level,
  }));
  rows.push({ key: 'none', name: t('level.unassessed'), count: props.people - props.assessed, level: 0 });
  return (
    <ul class="level-bars" aria-label={t('figures.distribution')}>
      {rows.map((row) => {
        const share = props.people > 0 ? row.count / props.people : 0;
        return (
          <li key={row.key} class="level-bar">
            <span class="level-bar-name">{row.name}</span>
            <span class="level-bar-track" aria-hidden="true">
              <span class="level-bar-fill" style={{ width: `${Math.round(share * 100)}%` }} />
            </span>
            <span class="level-bar-count">{number(row.count)}</span>
          </li>
        );
      })}
    </ul>
  );
}
