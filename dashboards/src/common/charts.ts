// ECharts, trimmed to the charts the pages draw, in Swedish, drawn as SVG. Colours are chosen for
// contrast on white (at least 3:1 for marks, WCAG 1.4.11) and stay apart for common colour blindness.
import { BarChart, GaugeChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import langSV from 'echarts/i18n/langSV-obj.js';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, GaugeChart, HeatmapChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);
echarts.registerLocale('SV', langSV);

export const colours = {
  primary: '#1d5b8f',
  secondary: '#b54a00',
  tertiary: '#2e7031',
  quaternary: '#6b3fa0',
  muted: '#5f6368',
  band: 'rgba(29, 91, 143, 0.18)',
  target: '#a31515',
};

const text = { color: '#1f2328', fontFamily: 'system-ui, sans-serif' };
const charts: echarts.ECharts[] = [];

/**
 * Draws a chart into a container. The container gets role="img" and a Swedish description, and
 * every chart also has its figures as a table beside it (screen readers, and to copy from).
 */
export function chart(container: HTMLElement, description: string, option: EChartsCoreOption): echarts.ECharts {
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', description);
  const instance = echarts.getInstanceByDom(container) ?? echarts.init(container, null, { renderer: 'svg', locale: 'SV' });
  instance.setOption({ textStyle: text, animation: false, aria: { enabled: false }, ...option }, true);
  if (!charts.includes(instance)) charts.push(instance);
  return instance;
}

addEventListener('resize', () => charts.forEach((c) => c.resize()));

export type { EChartsCoreOption };
