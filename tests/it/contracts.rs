//! Contract checks: code blocks that opt in with `contract="..."` are validated by `check`
//! against the OpenAPI 3.1 document site.toml's `[contracts]` names; each drift is reported at
//! the field's line and column with a help line, all in one run.

use crate::harness::*;

#[test]
fn examples_that_follow_the_contract_pass() {
    let f = fixture("contracts", "pass");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("contracts: 6 blocks checked against their contract"),
        "{}",
        run.stdout
    );
}

#[test]
fn each_drift_is_reported_at_its_field() {
    let f = fixture("contracts", "drift");
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for want in [
        // A camelCase field: one error, at the field, naming the contract's spelling.
        "content/api.md:8:19: error: contract `books`, request of POST /books: the body has `authorId`, a field the contract does not define [BL0803]\n  help: did you mean `author_id`? (the contract is data/books.yaml)",
        // A missing required field, at the object; a wrong id type, at the value.
        "content/api.md:14:1: error: contract `books`, 201 response of POST /books: the body lacks `author_id`, which the contract requires [BL0803]\n  help: add `author_id` to the body (see data/books.yaml)",
        "content/api.md:15:9: error: contract `books`, 201 response of POST /books: `id` is a string, but the contract wants an integer [BL0803]\n  help: write `id` as an integer, as data/books.yaml declares it",
        // Operations, statuses and contracts that do not exist, at the fence.
        "content/api.md:23:1: error: contract `books`: no DELETE operation on `/books/{book_id}` [BL0803]\n  help: `/books/{book_id}` allows GET",
        "content/api.md:29:1: error: contract `books`: no path matches `/authors/3` [BL0803]\n  help: its paths: /books, /books/{book_id}",
        "content/api.md:33:1: error: contract `books`: POST /books declares no 500 response [BL0803]\n  help: use a status it declares (201, 401), or add a 500 response to the contract",
        "content/api.md:37:1: error: no contract named `bookz` [BL0803]\n  help: did you mean `books`?",
        // Transcripts: required headers and the media type, at the status line.
        "content/api.md:49:1: error: contract `books`: the 401 response of POST /books must send a `WWW-Authenticate` header",
        "content/api.md:54:1: error: contract `books`: the 201 response of POST /books is not served as `text/plain` [BL0803]\n  help: the contract declares application/json",
        "content/api.md:63:54: error: contract `books`, 201 response of POST /books: `shelf` is not one of the values the contract allows [BL0803]\n  help: use one of \"fiction\", \"science\"",
        "content/api.md:63:76: error: contract `books`, 201 response of POST /books: `added_at` is not a valid date-time",
        "content/api.md:68:1: error: contract=\"books POST /books\" does not start with a contract name",
        // A method the path lacks: the answer must be 405 with the declared methods in Allow.
        "content/api.md:77:1: error: contract `books`: DELETE is not an operation of `/books/{book_id}`, so the answer to it is 405, not 204 [BL0803]\n  help: answer `405 Method Not Allowed` with `Allow: GET`, or add DELETE to `/books/{book_id}` in the contract",
        "content/api.md:81:1: error: contract `books`: DELETE is not an operation of `/books/{book_id}`: its 405 response says `Allow: GET, DELETE`, but the contract declares GET [BL0803]\n  help: write `Allow: GET`",
        "check failed: 14 errors, 0 warnings",
    ] {
        assert!(run.stderr.contains(want), "missing:\n{want}\nin:\n{}", run.stderr);
    }
    // The misspelt member is not also reported as missing.
    assert!(
        !run.stderr.contains("content/api.md:8:1:"),
        "{}",
        run.stderr
    );
}

#[test]
fn contract_checks_do_not_fail_build() {
    let f = fixture("contracts", "drift");
    f.build_ok(&[]);
}

#[test]
fn a_contract_that_is_not_openapi_3_1_is_refused() {
    let f = fixture("contracts", "pass");
    f.write(
        "data/books.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n",
    );
    let run = f.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("data/books.yaml:1:1: error: contract is not an OpenAPI 3.1 document (openapi: `3.0.3`)"),
        "{}",
        run.stderr
    );
}
