/**
 * Metronome's own icon (no external asset): an SVG for browsers that take one, and the same
 * picture drawn into a 32×32 ICO for `/favicon.ico`, which browsers ask for by themselves.
 */

const ACCENT = [0x2f, 0x5f, 0xd0] as const; // --accent of web/src/styles.css

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#2f5fd0"/>
<path d="M16 4.5 25.5 27.5h-19z" fill="#fff"/>
<path d="M16 24 21.5 9" stroke="#2f5fd0" stroke-width="2.2" stroke-linecap="round"/>
<circle cx="19.6" cy="14.2" r="2.1" fill="#2f5fd0"/>
</svg>
`;

type Rgba = [number, number, number, number];

/** The picture at a pixel centre (x, y in 0..32, y down). */
function pixel(x: number, y: number): Rgba {
  const r = 7;
  // rounded square: transparent outside the corners
  const cx = Math.min(Math.max(x, r), 32 - r);
  const cy = Math.min(Math.max(y, r), 32 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return [0, 0, 0, 0];
  const accent: Rgba = [...ACCENT, 255];
  // pendulum: segment (16,24)-(21.5,9), 2.2 wide, and its weight
  const [ax, ay, bx, by] = [16, 24, 21.5, 9];
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  const d = Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
  if (d <= 1.1 || Math.hypot(x - 19.6, y - 14.2) <= 2.1) return accent;
  // body: triangle (16,4.5) (25.5,27.5) (6.5,27.5)
  if (y >= 4.5 && y <= 27.5) {
    const half = ((y - 4.5) / 23) * 9.5;
    if (Math.abs(x - 16) <= half) return [255, 255, 255, 255];
  }
  return accent;
}

function drawIco(size = 32): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(size * Math.ceil(size / 32) * 4); // AND mask: unused (alpha decides)
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      // 2×2 supersampling for smooth edges
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        const p = pixel(((col + dx) * 32) / size, ((row + dy) * 32) / size);
        r += p[0] * p[3];
        g += p[1] * p[3];
        b += p[2] * p[3];
        a += p[3];
      }
      // BMP rows go bottom-up, BGRA
      const o = ((size - 1 - row) * size + col) * 4;
      pixels[o] = a ? Math.round(b / a) : 0;
      pixels[o + 1] = a ? Math.round(g / a) : 0;
      pixels[o + 2] = a ? Math.round(r / a) : 0;
      pixels[o + 3] = Math.round(a / 4);
    }
  }
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0); // BITMAPINFOHEADER
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // colour + mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(pixels.length + mask.length, 20);
  const image = Buffer.concat([header, pixels, mask]);
  const dir = Buffer.alloc(6 + 16);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // icon
  dir.writeUInt16LE(1, 4); // one image
  dir.writeUInt8(size, 6);
  dir.writeUInt8(size, 7);
  dir.writeUInt16LE(1, 10); // planes
  dir.writeUInt16LE(32, 12); // bits per pixel
  dir.writeUInt32LE(image.length, 14);
  dir.writeUInt32LE(22, 18);
  return Buffer.concat([dir, image]);
}

export const FAVICON_ICO: Buffer = drawIco();
