//! trybuild ui tests: every mistake in `ui/fail` must be rejected with the error recorded in
//! its `.stderr` (regenerate with `TRYBUILD=overwrite`, then review); every case in `ui/pass`
//! must compile.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
