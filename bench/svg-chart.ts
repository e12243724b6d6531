// Line charts as SVG text, with no plotting library: a grid of panels, each with its own axes
// (logarithmic or linear), one polyline with dots per series and a shared legend. Enough for the
// scaling curves of bench/README.md; a point whose value is missing leaves a gap in its line.

/** One line of a panel; a y of undefined (or not finite) is a gap. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly y: number | undefined }[];
}

/** One chart of the grid. */
export interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly isYLog: boolean;
  /** The x values to mark, with their labels; the x axis is logarithmic. */
  readonly xTicks: readonly { readonly x: number; readonly label: string }[];
  readonly xLabel: string;
  readonly series: readonly Series[];
}

const PANEL_WIDTH = 480;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };
const HEADER_HEIGHT = 56;

/** Renders `panels` in a grid of `columns`, under `title` and a legend of every series name. */
export function renderCharts(title: string, panels: readonly Panel[], columns = 2): string {
  const rows = Math.ceil(panels.length / columns);
  const width = PANEL_WIDTH * columns;
  const height = HEADER_HEIGHT + PANEL_HEIGHT * rows;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...legend(panels, width),
  ];
  panels.forEach((panel, index) => {
    const left = (index % columns) * PANEL_WIDTH;
    const top = HEADER_HEIGHT + Math.floor(index / columns) * PANEL_HEIGHT;
    parts.push(`<g transform="translate(${left},${top})">`, ...renderPanel(panel), "</g>");
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function legend(panels: readonly Panel[], width: number): string[] {
  const seen = new Map<string, string>();
  for (const panel of panels) for (const series of panel.series) if (!seen.has(series.name)) seen.set(series.name, series.color);
  const itemWidth = 120;
  let x = (width - itemWidth * seen.size) / 2;
  const items: string[] = [];
  for (const [name, color] of seen) {
    items.push(`<line x1="${x}" y1="40" x2="${x + 20}" y2="40" stroke="${color}" stroke-width="2.5"/>`);
    items.push(`<text x="${x + 26}" y="44">${escapeXml(name)}</text>`);
    x += itemWidth;
  }
  return items;
}

function renderPanel(panel: Panel): string[] {
  const plotWidth = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = panel.xTicks.map((tick) => tick.x);
  const ys = panel.series.flatMap((series) => series.points.map((point) => point.y)).filter(isUsable(panel.isYLog));
  const xScale = logScale(Math.min(...xs), Math.max(...xs), 0, plotWidth);
  const yTicks = ys.length === 0 ? [] : panel.isYLog ? logTicks(Math.min(...ys), Math.max(...ys)) : linearTicks(0, Math.max(...ys));
  const [yLow, yHigh] = [yTicks[0] ?? 1, yTicks[yTicks.length - 1] ?? 10];
  const yScale = panel.isYLog ? logScale(yLow, yHigh, plotHeight, 0) : linearScale(yLow, yHigh, plotHeight, 0);
  const out = [
    `<text x="${PANEL_WIDTH / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(panel.title)}</text>`,
    `<g transform="translate(${MARGIN.left},${MARGIN.top})">`,
    `<rect width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  ];
  for (const tick of yTicks) {
    const y = round(yScale(tick));
    out.push(`<line x1="0" y1="${y}" x2="${plotWidth}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="-6" y="${y + 4}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  for (const tick of panel.xTicks) {
    const x = round(xScale(tick.x));
    out.push(`<line x1="${x}" y1="0" x2="${x}" y2="${plotHeight}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x}" y="${plotHeight + 16}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  out.push(`<text x="${plotWidth / 2}" y="${plotHeight + 36}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`);
  out.push(`<text transform="translate(-48,${plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`);
  for (const series of panel.series) {
    for (const run of connectedRuns(series, isUsable(panel.isYLog))) {
      const points = run.map((point) => `${round(xScale(point.x))},${round(yScale(point.y))}`);
      if (points.length > 1) out.push(`<polyline points="${points.join(" ")}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
      for (const point of points) {
        const [x, y] = point.split(",");
        out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${series.color}"/>`);
      }
    }
  }
  out.push("</g>");
  return out;
}

function isUsable(isLog: boolean): (y: number | undefined) => y is number {
  return (y): y is number => y !== undefined && Number.isFinite(y) && (!isLog || y > 0);
}

/** The stretches of a series between missing points. */
function connectedRuns(series: Series, usable: (y: number | undefined) => y is number): { x: number; y: number }[][] {
  const runs: { x: number; y: number }[][] = [[]];
  for (const point of series.points) {
    if (usable(point.y)) (runs[runs.length - 1] as { x: number; y: number }[]).push({ x: point.x, y: point.y });
    else if ((runs[runs.length - 1] as unknown[]).length > 0) runs.push([]);
  }
  return runs.filter((run) => run.length > 0);
}

function logScale(low: number, high: number, from: number, to: number): (value: number) => number {
  const [a, b] = [Math.log10(low), Math.log10(high === low ? low * 10 : high)];
  return (value) => from + ((Math.log10(value) - a) / (b - a)) * (to - from);
}

function linearScale(low: number, high: number, from: number, to: number): (value: number) => number {
  const span = high === low ? 1 : high - low;
  return (value) => from + ((value - low) / span) * (to - from);
}

/** 1, 2, 5 × powers of ten covering [low, high] (only powers of ten over many decades). */
export function logTicks(low: number, high: number): number[] {
  const first = Math.floor(Math.log10(low));
  const last = Math.ceil(Math.log10(high));
  const steps = last - first > 3 ? [1] : [1, 2, 5];
  const ticks: number[] = [];
  for (let power = first; power <= last; power++) for (const step of steps) ticks.push(step * 10 ** power);
  const below = ticks.filter((tick) => tick <= low).pop() ?? ticks[0] ?? low;
  const above = ticks.find((tick) => tick >= high) ?? high;
  return ticks.filter((tick) => tick >= below && tick <= above);
}

/** About five round ticks from `low` to past `high` (1, 2 or 5 × a power of ten apart). */
export function linearTicks(low: number, high: number): number[] {
  const raw = (high - low) / 5 || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = low; tick < high + step; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(value);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
