/**
 * Share links: a user's secret, revocable links to a badge (their total, or one project's, over a
 * range) or an embeddable chart (languages, editors, activity). The owner manages them; anyone
 * holding a link sees that one picture (computed with the owner's own settings, from rollups).
 */
import { GROUPED_NAME, topWithOther } from '../domain/breakdown.js';
import { datesBetween, type Dimension } from '../domain/duration.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { humanText } from '../domain/format.js';
import { statsRange } from '../domain/ranges.js';
import { generateShareToken, hashShareToken, isShareKind, isShareRange, LABEL_MAX, looksLikeShareToken, MAX_LINKS_PER_USER, PROJECT_MAX, SHARE_KINDS, SHARE_RANGES, type ShareKind } from '../domain/share-link.js';
import { activitySvg, badgeSvg, breakdownSvg } from '../domain/svg.js';
import { userSettings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import { countShareLinks, findShareLink, insertShareLink, listShareLinks, revokeShareLink, touchShareLink, type ShareLinkRow } from '../storage/share-links.js';
import type { ShareData } from '../wire/share-link.js';
import type { StatsService } from './stats.js';

/** Top names in a chart; the rest is one grouped bar. */
const CHART_TOP = 8;
/** last_used_at is written at most this often per link. */
const TOUCH_EVERY_S = 60;

export interface NewShareLinkInput {
  kind: string;
  range: string;
  project?: string | null;
  label?: string | null;
}

export class ShareLinkService {
  constructor(
    private readonly storage: Storage,
    private readonly stats: StatsService,
  ) {}

  list(userId: number): Promise<ShareLinkRow[]> {
    return listShareLinks(this.storage.db, userId);
  }

  async create(userId: number, input: NewShareLinkInput): Promise<{ row: ShareLinkRow; token: string }> {
    if (!isShareKind(input.kind)) throw new ValidationError('kind', `Must be one of ${SHARE_KINDS.join(', ')}.`);
    if (!isShareRange(input.range)) throw new ValidationError('range', `Must be one of ${SHARE_RANGES.join(', ')}.`);
    const project = input.project && input.project.trim() !== '' ? input.project : null;
    if (project !== null && input.kind !== 'badge') throw new ValidationError('project', 'Only badges are of one project.');
    if (project !== null && project.length > PROJECT_MAX) throw new ValidationError('project', `At most ${PROJECT_MAX} characters.`);
    const label = (input.label ?? '').trim() || defaultLabel(input.kind);
    if (Array.from(label).length > LABEL_MAX) throw new ValidationError('label', `At most ${LABEL_MAX} characters.`);
    if ((await countShareLinks(this.storage.db, userId)) >= MAX_LINKS_PER_USER) {
      throw new ConflictError(`At most ${MAX_LINKS_PER_USER} share links: revoke one first.`);
    }
    const t = generateShareToken();
    const row = await insertShareLink(this.storage.db, {
      uuid: t.uuid,
      user_id: userId,
      token_hash: t.hash,
      token_prefix: t.prefix,
      kind: input.kind,
      range: input.range,
      project,
      label,
      created_at: this.stats.now(),
    });
    return { row, token: t.token };
  }

  async revoke(userId: number, id: string): Promise<void> {
    if (!(await revokeShareLink(this.storage.db, userId, id, this.stats.now()))) throw new NotFoundError('No such share link.', 'id');
  }

  /** What the link shows, or NotFoundError for an unknown or revoked link. */
  async data(token: string): Promise<ShareData> {
    const found = looksLikeShareToken(token) ? await findShareLink(this.storage.db, hashShareToken(token)) : undefined;
    if (!found) throw new NotFoundError('No such share link (it may have been revoked).');
    const { link, user } = found;
    const now = this.stats.now();
    if (link.last_used_at === null || now - link.last_used_at > TOUCH_EVERY_S) await touchShareLink(this.storage.db, link.id, now);
    const settings = userSettings(user);
    const zone = settings.zone;
    const range = statsRange(link.range, zone, now, await this.stats.firstDay(user, zone));
    if (!range) throw new NotFoundError('This share link names a range that no longer exists.');
    const kind = link.kind as ShareKind;
    const dimension: Dimension | null = kind === 'languages' ? 'languages' : kind === 'editors' ? 'editors' : null;
    const answer = await this.stats.answer(
      {
        subjects: [user.id],
        range: { first: range.first, last: range.last },
        zone,
        settings,
        filters: link.project !== null ? { projects: [link.project] } : {},
        dimensions: dimension ? [dimension] : [],
        granularity: kind === 'badge' ? 'total' : 'range',
        // the link is the owner's grant of this one picture
        viewer: { kind: 'owner', scopes: 'all' },
        family: 'stats',
      },
      [user],
    );
    const total = answer.sum.total;
    const items = dimension
      ? topWithOther(
          [...(answer.sum.dims[dimension] ?? new Map<string, number>())].map(([name, s]) => ({ name, total_seconds: s })),
          CHART_TOP,
        ).map((s) => ({ name: s.grouped ? GROUPED_NAME : s.name, total_seconds: s.total_seconds, percent: s.percent, text: humanText(s.total_seconds) }))
      : null;
    const days =
      kind === 'activity'
        ? datesBetween(range.first, range.last).map((date) => {
            const s = answer.dayTotals.get(date) ?? 0;
            return { date, total_seconds: s, text: humanText(s) };
          })
        : null;
    return {
      data: {
        kind,
        label: link.label,
        range: link.range,
        human_readable_range: range.human,
        start: range.first,
        end: range.last,
        timezone: zone,
        project: link.project,
        total_seconds: total,
        human_readable_total: humanText(total),
        items,
        days,
        is_up_to_date: answer.upToDate,
      },
    };
  }
}

function defaultLabel(kind: string): string {
  return kind === 'badge' ? 'wakatime' : kind === 'languages' ? 'Languages' : kind === 'editors' ? 'Editors' : 'Coding activity';
}

/** The SVG picture of a link's data. */
export function shareSvg(d: ShareData['data']): string {
  const subtitle = `${d.human_readable_range}${d.project ? ` · ${d.project}` : ''} · ${d.human_readable_total}`;
  if (d.kind === 'badge') return badgeSvg(d.label, d.human_readable_total);
  if (d.kind === 'activity') return activitySvg(d.label, subtitle, d.days ?? []);
  return breakdownSvg(d.label, subtitle, d.items ?? []);
}
