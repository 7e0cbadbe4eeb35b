/**
 * Share links (badges and embeds): the owner's view of a link (never its token, except once on
 * creation, with the picture URLs) and the data a link shows (its JSON embed). Schemas and one
 * mapping function each.
 */
import { Type, type Static } from '@sinclair/typebox';
import { SHARE_KINDS, SHARE_RANGES } from '../domain/share-link.js';
import { Nullable } from './common.js';

const IsoOrNull = Nullable(Type.String({ format: 'date-time' }));
const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

export const ShareLink = Type.Object({
  id: Type.String({ description: 'public id: what DELETE …/share_links/:id takes' }),
  kind: Type.String({ description: SHARE_KINDS.join(', ') }),
  range: Type.String({ description: SHARE_RANGES.join(', ') }),
  project: Nullable(Type.String({ description: 'badges of one project; null: the total' })),
  label: Type.String({ description: "the badge's left text" }),
  prefix: Type.String({ description: 'the first characters of the token, to recognize a link' }),
  created_at: IsoOrNull,
  last_used_at: IsoOrNull,
});
export type ShareLink = Static<typeof ShareLink>;

export const NewShareLink = Type.Object({
  ...ShareLink.properties,
  token: Type.String({ description: 'the secret: shown only now' }),
  svg_url: Type.String({ description: 'the picture (image/svg+xml), for README images' }),
  json_url: Type.String({ description: 'the same data as JSON' }),
});
export type NewShareLink = Static<typeof NewShareLink>;

export const ShareLinkList = Type.Object({ data: Type.Array(ShareLink) });
export const ShareLinkCreated = Type.Object({ data: NewShareLink });

export interface ShareLinkSource {
  uuid: string;
  kind: string;
  range: string;
  project: string | null;
  label: string;
  token_prefix: string;
  created_at: number;
  last_used_at: number | null;
}

export function shareLinkResource(r: ShareLinkSource): ShareLink {
  return { id: r.uuid, kind: r.kind, range: r.range, project: r.project, label: r.label, prefix: r.token_prefix, created_at: iso(r.created_at), last_used_at: iso(r.last_used_at) };
}

/** The URLs of a link's picture and data, under the server's base URL. */
export function shareUrls(baseUrl: string, token: string): { svg_url: string; json_url: string } {
  const base = `${baseUrl}/api/v1/share/${encodeURIComponent(token)}`;
  return { svg_url: `${base}/image.svg`, json_url: `${base}/data.json` };
}

const Item = Type.Object({ name: Type.String(), total_seconds: Type.Number(), percent: Type.Number(), text: Type.String() });
const Day = Type.Object({ date: Type.String(), total_seconds: Type.Number(), text: Type.String() });

export const ShareData = Type.Object(
  {
    data: Type.Object({
      kind: Type.String({ description: SHARE_KINDS.join(', ') }),
      label: Type.String(),
      range: Type.String(),
      human_readable_range: Type.String(),
      start: Type.String({ description: 'first day, YYYY-MM-DD' }),
      end: Type.String({ description: 'last day, YYYY-MM-DD' }),
      timezone: Type.String(),
      project: Nullable(Type.String()),
      total_seconds: Type.Number(),
      human_readable_total: Type.String(),
      items: Nullable(Type.Array(Item, { description: 'languages / editors: the top 8 and the rest grouped' })),
      days: Nullable(Type.Array(Day, { description: 'activity: every day of the range' })),
      is_up_to_date: Type.Boolean(),
    }),
  },
  { description: 'What a share link shows (badge: the total; languages / editors: a breakdown; activity: per day)' },
);
export type ShareData = Static<typeof ShareData>;
