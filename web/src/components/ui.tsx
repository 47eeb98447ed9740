// Small shared pieces: links that route in the page, the level chip (number and label, never colour
// alone), an error summary that takes focus, and a full-screen sheet that keeps focus inside.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { onLinkClick } from '../router';
import { useI18n } from '../i18n';

export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' }) {
  return (
    <a href={props.href} class={props.class} onClick={onLinkClick} aria-current={props['aria-current']}>
      {props.children}
    </a>
  );
}

export interface ScaleLevel {
  level: number;
  label: string;
  colour: string;
}

/// A level as a chip: its number and its label in dark text, with the level's colour only as a side
/// stripe and a pattern that differs per level, so it reads in black and white and for colour-blind people.
export function LevelChip(props: { level: number | null | undefined; scale: ScaleLevel[] }) {
  const { t } = useI18n();
  if (props.level == null) {
    return (
      <span class="chip chip-none">
        <span class="chip-number" aria-hidden="true">–</span>
        <span class="chip-label">{t('level.unassessed')}</span>
      </span>
    );
  }
  const found = props.scale.find((entry) => entry.level === props.level);
  return (
    <span class={`chip chip-level-${Math.min(props.level, 6)}`} style={{ '--level-colour': found?.colour ?? '#888888' }}>
      <span class="chip-number">{props.level}</span>
      <span class="chip-label">{found?.label ?? t('level.unknown')}</span>
    </span>
  );
}

export function ErrorSummary(props: { title: string; messages: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.messages.length > 0) ref.current?.focus();
  }, [props.messages.join('\n')]);
  if (props.messages.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>{props.title}</h2>
      <ul>
        {props.messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}

/// A dialog as a full-screen sheet on phones (a centred panel on wide screens). Focus moves into it on
/// open, stays inside while it is open (Tab wraps; Escape closes) and returns to the opener on close.
export function Sheet(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  initialFocus?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const first = props.initialFocus ? root?.querySelector<HTMLElement>(props.initialFocus) : null;
    (first ?? root?.querySelector<HTMLElement>('h2'))?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        props.onClose();
        return;
      }
      if (event.key !== 'Tab' || !root) return;
      const focusable = Array.from(
        root.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input, select, textarea, [tabindex="0"]'),
      );
      if (focusable.length === 0) return;
      const firstEl = focusable[0];
      const lastEl = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === firstEl) {
        event.preventDefault();
        lastEl.focus();
      } else if (!event.shiftKey && document.activeElement === lastEl) {
        event.preventDefault();
        firstEl.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus();
    };
  }, []);
  return (
    <div class="sheet-backdrop">
      <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="sheet-title" ref={ref}>
        <div class="sheet-head">
          <h2 id="sheet-title" tabIndex={-1}>
            {props.title}
          </h2>
          <button type="button" class="button secondary" onClick={props.onClose}>
            {t('action.close')}
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

/// The page's main heading; it takes focus when the page changes so screen readers announce it.
export function PageTitle(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('status.loading')}
    </p>
  );
}
