/** The range picker: every named range of the summaries API and a custom start–end. */
import { useEffect, useId, useState } from 'react';
import { RANGES, type RangeChoice } from '../range.js';

export function RangePicker({ value, onChange }: { value: RangeChoice; onChange(c: RangeChoice): void }) {
  const id = useId();
  const custom = !value.range;
  const [start, setStart] = useState(value.start ?? '');
  const [end, setEnd] = useState(value.end ?? '');
  useEffect(() => {
    if (value.start) setStart(value.start);
    if (value.end) setEnd(value.end);
  }, [value.start, value.end]);
  return (
    <form
      className="range-picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (start && end) onChange(start <= end ? { start, end } : { start: end, end: start });
      }}
    >
      <label htmlFor={`${id}-r`}>Range</label>
      <select
        id={`${id}-r`}
        value={custom ? 'custom' : value.range}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'custom') {
            const today = new Date().toISOString().slice(0, 10);
            onChange({ start: start || today, end: end || today });
          } else onChange({ range: v });
        }}
      >
        {RANGES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom ? (
        <>
          <label htmlFor={`${id}-s`}>From</label>
          <input id={`${id}-s`} type="date" value={start} onChange={(e) => setStart(e.target.value)} required />
          <label htmlFor={`${id}-e`}>To</label>
          <input id={`${id}-e`} type="date" value={end} onChange={(e) => setEnd(e.target.value)} required />
          <button type="submit" className="button button-small">
            Show
          </button>
        </>
      ) : null}
    </form>
  );
}
