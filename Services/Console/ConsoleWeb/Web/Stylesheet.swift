/// The console's one stylesheet, served at `/console.css` (the Content-Security-Policy allows no
/// inline style or script).
enum Stylesheet {
    /// The CSS.
    static let css = """
        :root { font-family: system-ui, sans-serif; color: #1b1b1b; background: #fafafa; }
        body { margin: 0; }
        .skip { position: absolute; left: -10000px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 1; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 8px 24px;
          background: #16324f; color: #fff; }
        header a { color: #fff; }
        .brand { font-weight: bold; margin: 0; }
        nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current] { font-weight: bold; text-decoration-thickness: 3px; }
        .signout { margin-left: auto; display: flex; gap: 8px; align-items: center; }
        main { padding: 8px 24px 48px; max-width: 1100px; }
        :focus-visible { outline: 3px solid #f0a202; outline-offset: 2px; }
        table { border-collapse: collapse; margin: 8px 0 16px; background: #fff; }
        th, td { border: 1px solid #c8c8c8; padding: 4px 8px; text-align: left; vertical-align: top; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: bold; padding: 4px 0; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px; padding: 0; list-style: none; }
        .figures li { background: #fff; border: 1px solid #c8c8c8; padding: 8px 12px; min-width: 150px; }
        .figures .value { display: block; font-size: 1.4em; font-weight: bold; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        .chart-figure { margin: 0; width: 100%; max-width: 540px; }
        figcaption { font-weight: bold; padding: 4px 0; }
        .chart { width: 100%; height: auto; background: #fff; border: 1px solid #c8c8c8; }
        .chart .grid { stroke: #e0e0e0; }
        .chart .tick, .chart .legend, .chart .value { font-size: 11px; fill: #333; }
        section { margin-top: 24px; }
        .presets { display: flex; gap: 16px; list-style: none; padding: 0; }
        form.inline { display: inline; }
        fieldset { border: 1px solid #c8c8c8; margin: 8px 0; background: #fff; }
        label { margin-right: 4px; }
        input, select, textarea, button { font: inherit; margin: 2px 8px 2px 0; }
        tr.flagged, li.flagged { background: #fde2e1; }
        .flag { font-weight: bold; color: #9b1c1c; }
        .pass { color: #1e6b2a; font-weight: bold; }
        .fail { color: #9b1c1c; font-weight: bold; }
        .error { color: #9b1c1c; font-weight: bold; }
        .notice { background: #fff8d6; border: 1px solid #e6d27a; padding: 8px; }
        .message-text { white-space: pre-wrap; }
        """
}
