/// <reference types="vite/client" />
declare module 'echarts/i18n/langSV-obj.js' {
  const lang: Parameters<typeof import('echarts/core').registerLocale>[1];
  export default lang;
}
