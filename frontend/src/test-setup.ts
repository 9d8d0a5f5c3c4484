// jsdom lacks matchMedia, which uPlot reads for the pixel ratio.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false, media: query, onchange: null,
      addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList;
}
export {};
