// Plots as Vega-Lite specs (plain JSON) built from the toolkit's results, and their rendering to
// SVG / PNG without a browser.
export type { PlotSpec, BasePlotOptions } from './common.js';
export {
  kaplanMeierPlot,
  cumulativeIncidencePlot,
  numberAtRisk,
  type RiskTableSource,
  type CurvePlotOptions,
  type KaplanMeierPlotOptions,
  type CumulativeIncidencePlotOptions,
} from './kaplanMeierPlot.js';
export { aalenJohansenStackedPlot, type AalenJohansenStackedPlotOptions } from './aalenJohansenStackedPlot.js';
export { forestPlot, forestRowsFromCox, type ForestRow, type ForestPlotOptions } from './forestPlot.js';
export { attritionPlot, type AttritionPlotOptions } from './attritionPlot.js';
export { lovePlot, type BalanceRow, type LovePlotOptions } from './lovePlot.js';
export { incidencePlot, type IncidencePlotOptions } from './incidencePlot.js';
export {
  swimmerPlot,
  swimmerPersonFromTimeline,
  type SwimmerPerson,
  type SwimmerPlotOptions,
  type SwimmerFromTimelineOptions,
  type ExposureEpisodeRow,
  type DateLike,
} from './swimmerPlot.js';
export { renderSvg, renderPng, compileVega, defaultFontFiles, type RenderPngOptions } from './render.js';
