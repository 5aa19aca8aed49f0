/** The console's entry: strict-CSP setup first, then the theme, then the app. */
import './strictCsp';
import { render } from 'preact';
import { applyTheme, storedTheme } from './lib/theme';
import { App } from './ui/App';

applyTheme(storedTheme());
const root = document.getElementById('app');
if (root === null) throw new Error('the console page has no #app element');
root.replaceChildren();
render(<App />, root);
