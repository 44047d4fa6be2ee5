// ECharts, tree-shaken: only the charts and components the views use, canvas renderer only
// (works under the app's CSP: no eval, no inline scripts; ECharts' inline styles are allowed).
import { use, init, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  BarChart,
  CustomChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  BrushComponent,
  // The brush component always registers a toolbox (kept hidden; the brush is started from code).
  ToolboxComponent,
  CanvasRenderer,
]);

export { init, use };
export type { ECharts, EChartsCoreOption };
