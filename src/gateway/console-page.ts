// The web console (a single page, no build step); filled in below.
export const CONSOLE_HTML = '<!doctype html><title>Gregor</title><p>Gregor console</p>';
