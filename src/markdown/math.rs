//! Math as GitHub writes it (`$...$`, `$$...$$`, ```` ```math ````), rendered at build time
//! to MathML Core by pulldown-latex, so pages need no script or web font to show it.
//! Invalid TeX is reported and shown as its source, in a `code` element, never half-rendered.

use crate::highlight::escape_html;
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage};
use std::error::Error;

/// The MathML for `tex`, or what is wrong with it (the parser's message, without its context
/// drawing: the diagnostic points at the file instead).
pub(crate) fn render(tex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let events: Result<Vec<_>, _> = Parser::new(tex, &storage).collect();
    let events = events.map_err(|e| match e.source() {
        Some(kind) => kind.to_string(),
        None => e.to_string(),
    })?;
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        // The TeX source travels with the MathML: copied text and assistive technology that
        // reads annotations get it, and it is what GitHub shows.
        annotation: Some(tex),
        ..RenderConfig::default()
    };
    let mut html = String::with_capacity(tex.len() * 8);
    pulldown_latex::push_mathml(
        &mut html,
        events.into_iter().map(Ok::<_, std::fmt::Error>),
        config,
    )
    .map_err(|e| e.to_string())?;
    Ok(html)
}

/// What a page shows for math that does not parse: its source, as GitHub would show it.
pub(crate) fn fallback(tex: &str, display: bool) -> String {
    let tex = escape_html(tex);
    if display {
        format!("<pre class=\"math-error\"><code>{tex}</code></pre>\n")
    } else {
        format!("<code class=\"math-error\">{tex}</code>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_mathml_and_reports_bad_tex() {
        let html = render(r"\int_0^1 x\,dx", true).unwrap();
        assert!(html.starts_with("<math display=\"block\""), "{html}");
        assert!(html.contains("∫"), "{html}");
        assert!(html.contains("<annotation"), "{html}");
        let err = render(r"\frac{1}{", false).unwrap_err();
        assert!(!err.is_empty());
        assert!(render(r"\notacommand", false).is_err());
    }
}
