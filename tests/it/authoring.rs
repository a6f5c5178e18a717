//! Authoring features: math rendered to MathML at build time, includes from source files,
//! mermaid diagrams, image sizes and weight, and dated facts cited from data.

use crate::harness::*;

#[test]
fn math_renders_to_mathml_as_github_writes_it() {
    let f = fixture("math", "site");
    let run = f.build_ok(&[]);
    let html = f.read("formulas/index.html");
    let main = main_element(&html);
    assert!(
        main.contains("The mean is <math display=\"inline\"><semantics>"),
        "{main}"
    );
    assert!(
        main.contains("<annotation encoding=\"application/x-tex\">\\int_0^1 x\\,dx</annotation>"),
        "the backslash survives: {main}"
    );
    assert_eq!(
        main.matches("<math display=\"block\">").count(),
        2,
        "$$ and ```math"
    );
    assert!(
        !main.contains("class=\"code-block\""),
        "a math fence is no code block"
    );
    assert!(
        main.contains("it costs $5 or $ 10 and $x$ stays too."),
        "dollars that GitHub leaves as text stay text: {main}"
    );
    assert!(
        main.contains("Broken: <code class=\"math-error\">\\frac{1}{2} \\notacommand</code> here."),
        "{main}"
    );
    assert!(!main.contains("<script"), "no script needed");
    assert!(
        run.stderr.contains(
            "content/formulas.md:16:9: warning: invalid TeX math: unknown primitive command"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("invalid TeX").count(),
        1,
        "{}",
        run.stderr
    );
    let check = f.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check
        .stderr
        .contains("content/formulas.md:16:9: error: invalid TeX math"));
}
