import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { wails } from './lib/bridge';

const app = mount(App, { target: document.getElementById('app')!, props: { backend: wails } });

export default app;
