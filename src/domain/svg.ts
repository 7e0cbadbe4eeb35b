/**
 * SVG pictures for README images: a shields-style badge ("wakatime | 12 hrs 3 mins") and charts
 * (a breakdown as bars with percentages, activity per day). Pure string building; every text is
 * XML-escaped and stripped of characters XML cannot hold, and nothing in the output is a script or
 * an external reference.
 */

/** Text made safe for XML content and attribute values. */
export function xmlText(s: string): string {
  return (
    s
      // characters XML 1.0 cannot hold, and lone surrogates
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Approximate width in px of text in 11 px Verdana (shields' font), close enough to size a badge. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    if ('iljI.,:;!|\'`'.includes(ch)) w += 3.6;
    else if ('ft r()[]{}-'.includes(ch)) w += 4.8;
    else if ('mwMW@%'.includes(ch)) w += 10.5;
    else if (ch >= 'A' && ch <= 'Z') w += 7.6;
    else if (ch.codePointAt(0)! > 0x2e80) w += 11; // CJK and the like: full width
    else w += 6.9;
  }
  return Math.ceil(w);
}

export const BADGE_COLOR = '#007ec6';

/** A flat shields-style badge: grey label on the left, coloured message on the right. */
export function badgeSvg(label: string, message: string, color = BADGE_COLOR): string {
  const l = truncate(label, 40);
  const m = truncate(message, 60);
  const lw = textWidth(l) + 10;
  const mw = textWidth(m) + 10;
  const w = lw + mw;
  const title = xmlText(`${l}: ${m}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}"><title>${title}</title>\
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>\
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>\
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${xmlText(color)}"/><rect width="${w}" height="20" fill="url(#s)"/></g>\
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">\
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${xmlText(l)}</text><text x="${lw / 2}" y="14">${xmlText(l)}</text>\
<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${xmlText(m)}</text><text x="${lw + mw / 2}" y="14">${xmlText(m)}</text></g></svg>`;
}

/** Colours of chart bars, in order (readable on light and dark README backgrounds). */
export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#64748b', '#84cc16'];

const FONT = 'font-family="-apple-system,BlinkMacSystemFont,Segoe UI,Helvetica,Arial,sans-serif"';

/** A breakdown (languages, editors) as labelled horizontal bars with time and percentage. */
export function breakdownSvg(title: string, subtitle: string, items: readonly { name: string; text: string; percent: number }[]): string {
  const width = 480;
  const row = 26;
  const top = 52;
  const height = top + Math.max(1, items.length) * row + 12;
  const barX = 150;
  const barW = 200;
  const rows = items.length
    ? items
        .map((it, i) => {
          const y = top + i * row;
          const pct = Number.isFinite(it.percent) ? Math.max(0, Math.min(100, it.percent)) : 0;
          const w = Math.max(pct > 0 ? 2 : 0, Math.round((pct / 100) * barW));
          return `<text x="16" y="${y + 13}" font-size="12" fill="#24292f">${xmlText(truncate(it.name, 22))}</text>\
<rect x="${barX}" y="${y + 3}" width="${barW}" height="12" rx="3" fill="#8b949e" fill-opacity=".18"/>\
<rect x="${barX}" y="${y + 3}" width="${w}" height="12" rx="3" fill="${PALETTE[i % PALETTE.length]}"/>\
<text x="${barX + barW + 10}" y="${y + 13}" font-size="11" fill="#57606a">${xmlText(`${it.text} · ${pct.toFixed(1)}%`)}</text>`;
        })
        .join('')
    : `<text x="16" y="${top + 13}" font-size="12" fill="#57606a">No coding activity in this range.</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlText(title)}" ${FONT}>\
<title>${xmlText(`${title} (${subtitle})`)}</title>\
<rect x=".5" y=".5" width="${width - 1}" height="${height - 1}" rx="6" fill="#fff" stroke="#d0d7de"/>\
<text x="16" y="24" font-size="14" font-weight="600" fill="#24292f">${xmlText(truncate(title, 50))}</text>\
<text x="16" y="40" font-size="11" fill="#57606a">${xmlText(truncate(subtitle, 70))}</text>${rows}</svg>`;
}

/** Coding time per day as vertical bars (the range's days, oldest first). */
export function activitySvg(title: string, subtitle: string, days: readonly { date: string; total_seconds: number; text: string }[]): string {
  const width = 480;
  const height = 150;
  const left = 16;
  const chartTop = 52;
  const chartH = 80;
  const n = Math.max(1, days.length);
  const step = (width - 2 * left) / n;
  const barW = Math.max(1, step * 0.8);
  const max = days.reduce((m, d) => (Number.isFinite(d.total_seconds) && d.total_seconds > m ? d.total_seconds : m), 0);
  const bars = days
    .map((d, i) => {
      const s = Number.isFinite(d.total_seconds) ? Math.max(0, d.total_seconds) : 0;
      const h = max > 0 ? Math.max(s > 0 ? 1 : 0, (s / max) * chartH) : 0;
      const x = left + i * step + (step - barW) / 2;
      return `<rect x="${x.toFixed(2)}" y="${(chartTop + chartH - h).toFixed(2)}" width="${barW.toFixed(2)}" height="${h.toFixed(2)}" fill="${PALETTE[0]}"><title>${xmlText(`${d.date}: ${d.text}`)}</title></rect>`;
    })
    .join('');
  const first = days[0]?.date ?? '';
  const last = days[days.length - 1]?.date ?? '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlText(title)}" ${FONT}>\
<title>${xmlText(`${title} (${subtitle})`)}</title>\
<rect x=".5" y=".5" width="${width - 1}" height="${height - 1}" rx="6" fill="#fff" stroke="#d0d7de"/>\
<text x="16" y="24" font-size="14" font-weight="600" fill="#24292f">${xmlText(truncate(title, 50))}</text>\
<text x="16" y="40" font-size="11" fill="#57606a">${xmlText(truncate(subtitle, 70))}</text>\
<line x1="${left}" y1="${chartTop + chartH + 0.5}" x2="${width - left}" y2="${chartTop + chartH + 0.5}" stroke="#d0d7de"/>${bars}\
<text x="${left}" y="${height - 6}" font-size="10" fill="#57606a">${xmlText(first)}</text>\
<text x="${width - left}" y="${height - 6}" font-size="10" fill="#57606a" text-anchor="end">${xmlText(last)}</text></svg>`;
}
