//! The table of diagnostic codes: every problem backlot reports carries one, so a maintainer can
//! look it up (`backlot explain BL0301`, the diagnostics reference page) and a tool can filter on
//! it. A code's number is `BL` + two digits for its area + two for the problem; once released,
//! a code never changes meaning and is never reused (a retired problem keeps its number unused).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One code's entry in the table.
#[derive(Debug)]
pub struct Info {
    pub code: Code,
    /// The variant's name, as written in the source (`Code::UnknownFrontMatterKey`).
    pub name: &'static str,
    /// The stable id, `BL` and four digits.
    pub id: &'static str,
    /// What the problem is, in a few words.
    pub title: &'static str,
    /// Why backlot reports it.
    pub explanation: &'static str,
    /// How to make it go away.
    pub fix: &'static str,
}

/// The areas a code's first two digits name, in the order the reference lists them.
pub const AREAS: &[(&str, &str)] = &[
    ("00", "backlot itself"),
    ("01", "Configuration (site.toml)"),
    ("02", "Source files and data"),
    ("03", "Front matter"),
    ("04", "Links and addresses"),
    ("05", "Markdown"),
    ("06", "Themes, templates and shortcodes"),
    ("07", "Code snippets and includes"),
    ("08", "API contracts"),
    ("09", "Lint rules"),
    ("10", "Output"),
    ("11", "Dated facts"),
    ("12", "Languages and versions"),
    ("13", "Commands (init, new)"),
];

macro_rules! codes {
    ($($name:ident $id:literal $title:literal $explanation:literal $fix:literal)*) => {
        /// A diagnostic's code; `Info` (via `Code::info`) has its id and explanation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($name,)*
        }

        /// Every code, in the order of the table (ids ascending).
        pub const ALL: &[Info] = &[
            $(Info {
                code: Code::$name,
                name: stringify!($name),
                id: $id,
                title: $title,
                explanation: $explanation,
                fix: $fix,
            },)*
        ];
    };
}

impl Code {
    pub fn info(self) -> &'static Info {
        &ALL[self as usize]
    }

    /// The stable id, such as `BL0301`.
    pub(crate) fn id(self) -> &'static str {
        self.info().id
    }

    /// The entry for an id as a maintainer types it (`BL0301`, `bl0301`).
    pub fn find(id: &str) -> Option<&'static Info> {
        ALL.iter().find(|i| i.id.eq_ignore_ascii_case(id.trim()))
    }
}

/// What `backlot explain CODE` prints.
pub fn explain(info: &Info) -> String {
    format!(
        "{}: {}\n\n{}\n\nHow to fix it: {}\n",
        info.id, info.title, info.explanation, info.fix
    )
}

/// What `backlot explain` prints: every code and its title, by area.
pub fn list() -> String {
    let mut out = String::new();
    for (area, name) in AREAS {
        out.push_str(&format!("{name}\n"));
        for info in ALL.iter().filter(|i| &i.id[2..4] == *area) {
            out.push_str(&format!("  {}  {}\n", info.id, info.title));
        }
    }
    out.push_str("\n`backlot explain CODE` explains one of them.\n");
    out
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// By id, as serialised (the parse cache reads diagnostics back, `crate::parse_cache`).
impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let id = String::deserialize(d)?;
        Code::find(&id)
            .map(|info| info.code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{id}`")))
    }
}

codes! {
    InternalError "BL0001" "internal error"
        "backlot itself failed (a panic was caught) while it processed a file or rebuilt the preview. The rest of the site is still checked, so every other problem is reported too."
        "Report the file's content to backlot's issue tracker. Until it is fixed, changing the construct that triggers it (the file named) usually avoids it."

    ConfigUnreadable "BL0101" "site.toml cannot be read"
        "backlot looks for site.toml in the site's root folder (the current folder, or the one given with --root) and could not open it."
        "Run backlot in the folder holding site.toml, or pass `--root DIR`. `backlot init` writes a site.toml for an existing repository."
    ConfigInvalid "BL0102" "site.toml is not valid"
        "site.toml is not valid TOML, has a key backlot does not know, or gives a key a value of the wrong type. Unknown keys are refused rather than ignored, so a misspelt setting never silently does nothing."
        "Correct the line shown; the help line names the closest known key. Every key and its type is listed in the settings reference, and `backlot schema site` gives editors a schema to check the file as you type."
    BaseUrlInvalid "BL0103" "base_url is not an absolute http(s) URL"
        "Every link in the built site is made from base_url (or --base-url), so it must be a full address starting with http:// or https://."
        "Write the address the site is published at, such as `https://owner.github.io/repo/`."
    OutputDirNotAllowed "BL0104" "the output folder is not allowed"
        "Every build replaces its output folder whole. So `output_dir` must be a relative path inside the site (no `..`, no absolute path, no symlink on the way), and no output folder may be the site's root, contain it, or lie inside a folder the site is read from (content, themes, static, data): the build would delete sources or write outside the site."
        "Use a folder of its own inside the site, such as `public`, for output_dir; pass `--output DIR` to write anywhere else."
    ExternalSkipInvalid "BL0105" "an external_skip pattern is not valid"
        "`[links] external_skip` lists addresses `check --external` leaves alone: the start of an address, or a pattern with `*`. This entry is not a pattern backlot can read."
        "Write the start of the address (`https://example.com/private/`), or a pattern where `*` stands for any characters."
    HighlightThemeUnknown "BL0106" "unknown highlight theme"
        "`[highlight] light_theme` and `dark_theme` must name one of the syntax highlighting themes built into backlot."
        "Use a name from the list in the settings reference (any letter case); the message names the closest one."

    Unreadable "BL0201" "a file or folder cannot be read"
        "The operating system refused to read a file or folder of the site (missing permission, a file removed during the build, a disk error). The message carries its reason."
        "Check the file's permissions and that it still exists, then run the command again."
    NotUtf8 "BL0202" "file is not valid UTF-8"
        "Pages, data files and templates are read as UTF-8 text. The position shown is the first byte that is not."
        "Save the file as UTF-8 in your editor (most offer \"Save with encoding\")."
    SymlinkedFolder "BL0203" "symlinked folder not followed"
        "backlot follows a symlink to a file inside the site, but not one to a folder: the linked folder's files are not part of the site. (A folder reached twice could publish the same pages at two addresses.)"
        "Move the folder into the site instead of linking to it."
    SymlinkBroken "BL0204" "broken symlink"
        "A symlink in the site points at nothing, so backlot cannot tell what it would publish."
        "Remove the link or make it point at an existing file inside the site."
    SymlinkEscapes "BL0205" "symlink leaves the site"
        "A symlink points outside the site's root folder, or into one of its hidden files or folders (`.git`, `.env`). Following it could publish files that were never meant to be, such as secrets."
        "Copy what you need into the site instead of linking to it."
    PageTooLarge "BL0206" "page is too large"
        "A Markdown file is larger than backlot's limit for one page, which protects the build and the reader's browser from generated or pasted-in data."
        "Split the page into several pages, or move generated data into a file under data/ and show it with a shortcode."
    PageTooDeep "BL0207" "page nested too deep"
        "A page sits in more nested folders than backlot allows; such deep trees are usually a mistake (a copied folder inside itself) and make navigation unusable."
        "Move the page up the folder tree."
    DataInvalid "BL0208" "data file does not parse"
        "A file under data/ is not valid TOML, YAML or JSON (as its extension says), so templates and shortcodes cannot read it."
        "Correct the file at the line and column shown."
    DataNameClash "BL0209" "two data files share a name"
        "Templates reach data/guide/steps.yaml as `data.guide.steps`. Two files with the same name but different extensions, or a file and a folder of the same name, would both be reached by one name."
        "Keep one of the files, or rename one of them."

    FrontMatterUnclosed "BL0301" "front matter is never closed"
        "The file starts with `---` (YAML) or `+++` (TOML) but no line closes it, so the whole page would be read as front matter."
        "Add the same line (`---` or `+++`) after the last front matter field."
    FrontMatterInvalid "BL0302" "front matter does not parse"
        "The front matter is not valid YAML or TOML, or it is not a list of `key: value` fields."
        "Correct it at the line shown: one field per line, such as `title: \"Page title\"`; quote values that contain a colon."
    UnknownFrontMatterKey "BL0303" "unknown front matter key"
        "The front matter has a key that is not one of backlot's fields. By default it is kept under `extra` with a warning, once for the whole site; a site that sets `[front_matter] unknown_keys = \"error\"` refuses it on every page."
        "Correct its spelling (the help names the closest field), or move it under `extra:` where templates can read it."
    FrontMatterKeyIgnored "BL0304" "front matter key does not apply"
        "A key from another site generator (`layout`, `permalink`...) has no meaning in backlot: addresses follow the file tree and every page uses the theme's templates. It is ignored."
        "Remove the key when convenient; nothing else is needed."
    FrontMatterValueInvalid "BL0305" "front matter value is not valid"
        "A field has a value of the wrong type (a list where a string is expected, a date backlot cannot read), or a key or value contains a control character."
        "Write the value as the front matter reference describes it; dates are `YYYY-MM-DD`."
    FrontMatterTooLarge "BL0306" "front matter is too large or too deeply nested"
        "Front matter holds a page's metadata. Past a size and nesting limit it is refused before it is parsed, so a pathological file cannot stall the build."
        "Move long text into the page body and flatten nested values."
    TitleEmpty "BL0307" "title is empty"
        "The page sets `title` to an empty string, which would leave it without a name in navigation and search."
        "Write the title, or remove the field so the page's first `#` heading is used."
    SlugInvalid "BL0308" "invalid slug"
        "`slug` replaces the last segment of the page's address, so it must be one URL segment: no `/`, no `..`, no characters that are not allowed in a URL."
        "Use a single segment such as `my-page`."
    SlugOnIndex "BL0309" "slug on a folder's index page"
        "A folder's index page takes its address from the folder, so `slug` cannot change it."
        "Rename the folder to change the section's address, and remove `slug`."
    AliasInvalid "BL0310" "invalid alias"
        "An alias is an old address of the page on this site, which backlot turns into a redirect. It must be a path on the site, not a full URL or a path that climbs out of it."
        "Write the old address as a path such as `old/section/page/`."
    DescriptionPlaceholder "BL0311" "description is still the placeholder"
        "`backlot new` writes a placeholder description; it was never replaced, so search results and link previews would show it."
        "Write one sentence saying what the page covers."

    MissingPage "BL0401" "link to a missing page or file"
        "A link, image or `@/` link points at a page or file that is not in the site (or in the repository, for a link outside the published folders). Links are relative to the linking file's folder, as on GitHub; a link starting with `/` starts at the repository's root."
        "Correct the path (the help names the closest page), or add the missing file. `[links] level = \"warn\"` makes broken links warnings while a migration is under way."
    MissingAnchor "BL0402" "link to a missing anchor"
        "The page a link points at exists, but has no heading or anchor with the id after `#`."
        "Use the id of an existing heading (the help names the closest one), or add the anchor to the target page."
    LinkToDraft "BL0403" "link to a draft page"
        "Drafts are left out of the built site, so a link to one would lead nowhere."
        "Publish the target page (remove `draft: true`), or remove the link."
    LinkInvalid "BL0404" "invalid link"
        "The link's path cannot be resolved: it climbs above the site's root or is not a valid path."
        "Write a path relative to the linking file's folder that stays inside the repository."
    LinkToRepository "BL0405" "link to a repository file without a repository address"
        "The link points at a file of the repository that is not published with the site (such as LICENSE or CONTRIBUTING.md). backlot sends such links to the file on the repository's website, and needs its address for that."
        "Set `[repository] url` (and `branch`) in site.toml, or link to a published page instead."
    LinkToUnknownPath "BL0406" "link to an address that is not on the site"
        "A link written as a site address (`/guide/setup/`) names no page, alias or file of the site."
        "Link to the page's .md file with a relative path, which backlot checks and turns into the right address."
    AliasConflict "BL0407" "alias is already taken"
        "An alias would write a redirect at an address that a page, another alias or a generated file already has."
        "Remove the alias, or change it to an address that is free."
    DuplicateUrl "BL0408" "two files map to one address"
        "Two files would be published at the same address, for example `guide.md` and `guide/_index.md`, or two pages with the same `slug`."
        "Rename one of the files, or give one of them a different `slug`."
    SecondIndexPage "BL0409" "folder has more than one index page"
        "A folder's index page is its `_index.md`, else `index.md`, else `README.md`. The others are published as ordinary pages."
        "Keep one index file per folder, or rename the others if they are meant as ordinary pages."
    ExternalLinkBroken "BL0410" "external link is broken"
        "`check --external` requested the address and it answered with an error status, did not answer in time, or could not be reached."
        "Fix or remove the link. A host that refuses automated requests can be listed in `[links] external_skip`; a slow one may need a larger `[links] external_timeout`."

    RawHtmlRemoved "BL0501" "raw HTML removed"
        "The page's raw HTML has an element or attribute that is not on backlot's list of safe formatting (scripts, event handlers, forms, embeds that are not allowed). It was removed from the output, so the page cannot run code in the reader's browser."
        "Write it in Markdown, or allow the embed in site.toml's `[html]` section (`iframe_hosts`, `video`, `audio`)."
    RawHtmlTooDeep "BL0502" "raw HTML nested too deep"
        "The page's raw HTML is nested deeper than backlot checks; rather than publish HTML it could not check, all raw HTML of the page was removed."
        "Write the page in Markdown, or flatten the HTML."
    UnsafeUrl "BL0503" "link to a URL scheme that is not allowed"
        "A link or image uses a scheme such as `javascript:` or `data:` that can run code or hide content. It was replaced by `#`."
        "Link to a page, a file of the site or an http(s) address."
    MathInvalid "BL0504" "invalid TeX math"
        "Text between dollar signs is read as TeX math, and this math does not parse, so it is shown as written."
        "Correct the TeX, or escape the dollar sign (`\\$`) if it is not math."
    ImageWithoutAlt "BL0505" "image has no alt text"
        "An image without alternative text tells nothing to readers who use a screen reader or whose browser does not load it."
        "Describe what the image shows between the brackets: `![what it shows](path.png)`."
    CodeFenceAttribute "BL0506" "code block attribute is not valid"
        "The words after a code fence's language give its options (`title`, `hl_lines`, `linenos`...). One is unknown or has a value backlot cannot read."
        "Correct the attribute; the help names the closest known one and the form its value takes."
    CodeBlockNotHighlighted "BL0507" "code block cannot be highlighted as written"
        "The code block names a language backlot does not know, or is too large or has lines too long to highlight, so it is shown as plain text."
        "Use a known language name (the help lists the closest); split the block or wrap its long line, or raise `[highlight] max_block_bytes` or `max_line_bytes`."
    ImageTooHeavy "BL0508" "image is heavier than the site allows"
        "An image the page shows is larger than `[images] max_kb` in site.toml, which slows the page down for every reader."
        "Compress or resize it (WebP or AVIF at the width it is shown), or raise `[images] max_kb`."

    ThemeNotFound "BL0601" "theme not found"
        "The `theme` setting must name a folder under themes/, or `default` for the built-in theme."
        "Create the folder, correct the name, or set `theme = \"default\"`."
    TemplateError "BL0602" "template error"
        "A template of the theme does not parse, or failed while it rendered a page (an unknown variable, a filter given the wrong type). The position is in the template when backlot can tell it."
        "Correct the template at the position shown; the template reference lists every variable a template receives."
    TemplateCycle "BL0603" "template cycle"
        "A template extends, includes or imports itself, directly or through other templates, so rendering would never end."
        "Break the cycle: a template must not reach itself through extends, include or import."
    MacroRecursion "BL0604" "macro recursion with no condition"
        "A macro calls itself (directly or through other macros) outside any condition or loop, so it would never stop."
        "Put the recursive call inside an `{% if %}` or a `{% for %}` that ends, such as a loop over a tree's children."
    TemplateNotFound "BL0605" "template not found"
        "The page's `template` names a file the theme does not have."
        "Use one of the theme's templates (page.html, section.html), or add the file to `themes/<theme>/templates/`."
    UnknownShortcode "BL0606" "unknown shortcode"
        "The page calls a shortcode that has no template in the theme's templates/shortcodes/ folder."
        "Correct the name (the shortcode reference lists the built-in ones), or add the template."
    ShortcodeDataMissing "BL0607" "shortcode names missing data"
        "The shortcode's `source` argument names a data file that is not under data/."
        "Correct the name (data/guide/steps.yaml is `guide.steps`), or add the data file."
    ShortcodeLinksBroken "BL0608" "shortcode links lead nowhere"
        "A shortcode's output has `@/` links (to pages by their path under the content folder), usually taken from a data file, and some of them name no page or anchor."
        "Correct the paths in the data file, or add the missing pages."
    ThemeStringInvalid "BL0609" "theme translation file is not valid"
        "A file under the theme's or site's i18n/ folder is not valid TOML, or gives a key a value that is not a string."
        "Write every entry as `key = \"text\"`."

    SnippetInvalid "BL0701" "code example does not parse"
        "`check` parses every code example in a language it can check (with its own parser, or a tool such as python3 or gofmt), and this one does not parse."
        "Fix the example, or add `nocheck` to the fence if it is deliberately wrong or incomplete."
    SnippetCheckerMissing "BL0702" "snippet checker is not installed"
        "With `--strict-snippets`, the tool that checks a language the site uses must be installed; without the flag such snippets are skipped with a note."
        "Install the tool named, or run `check` without `--strict-snippets`."
    IncludeNotFound "BL0703" "included file not found"
        "A code block's `include` names a file that does not exist, or one outside the repository."
        "Give a path relative to the page, or starting with `/` for the site's root, to a file inside the repository."
    IncludeUnreadable "BL0704" "included file cannot be read"
        "The included file exists but cannot be read as text."
        "Include a UTF-8 text file that backlot may read."
    IncludeRangeInvalid "BL0705" "include region or lines not found"
        "The `region` named is not marked in the included file, or `lines` is past its end, or both are given."
        "Mark the region with `ANCHOR: name` and `ANCHOR_END: name` comments, or give `lines=\"a-b\"` within the file."

    ContractUnreadable "BL0801" "contract cannot be read"
        "A file listed in `[contracts]` cannot be read, or is not YAML or JSON."
        "Correct the path (relative to the site's folder) or the file's syntax."
    ContractNotOpenApi31 "BL0802" "contract is not OpenAPI 3.1"
        "backlot validates examples with JSON Schema 2020-12, the dialect of OpenAPI 3.1; an older document's schemas mean something else."
        "Convert the contract to OpenAPI 3.1 and write `openapi: 3.1.0`."
    ContractMismatch "BL0803" "example does not match its contract"
        "A code block marked with `contract=` shows a request or response that the API contract does not allow (an operation, status, header or body field the contract does not declare, or a value of the wrong type), names a contract that does not exist, or has a `contract=` attribute backlot cannot read."
        "Correct the example, or the contract if the example shows what the API really does."

    LintRequiredField "BL0901" "required front matter field missing"
        "The site's `[lint]` settings require this field on every page (or section) and the page does not set it."
        "Add the field to the page's front matter."
    LintDescriptionSentences "BL0902" "description is more than one sentence"
        "The site sets `[lint] one_sentence_description = true`, and this description has more than one sentence."
        "Shorten it to one sentence."
    LintMinWords "BL0903" "too few words"
        "The page has less prose than `[lint] min_words` asks for (code blocks do not count)."
        "Expand the text."
    LintMinPages "BL0904" "section has too few pages"
        "A `[[lint.sections]]` rule asks for a number of pages in the section, and it has fewer, or the folder is not a section at all."
        "Add pages, or correct the rule's `path` or `min_pages`."
    LintCode "BL0905" "code block requirement not met"
        "A `[[lint.sections]]` rule requires code on the section's pages, or code that contains a given text, and this page has none."
        "Add the code, or list the page in the rule's `except`."
    LintHeading "BL0906" "required heading missing"
        "A `[[lint.sections]]` rule requires a heading with this text on the section's pages."
        "Add the heading, or list the page in the rule's `except`."
    LintTabs "BL0907" "tab group lacks a required label"
        "A `[[lint.sections]]` rule requires every tab group of the section to have a tab with each listed label (such as one per language)."
        "Add the missing tabs."
    LintSettingInvalid "BL0908" "lint setting names something that does not exist"
        "A `[lint]` setting names a front matter field backlot does not have, or an `except` list names a file that is not a page of the site."
        "Correct the name (the help names the closest field), or remove it from the list."

    OutputFolder "BL1001" "output folder cannot be prepared or replaced"
        "A build writes into a new folder beside the output folder and swaps it in only when everything succeeded; this step failed (permissions, a full disk, a folder in use)."
        "Check that the output folder's parent is writable and has room, then build again."
    OutputWrite "BL1002" "output file cannot be written"
        "A page, generated file, copied file or search index file could not be written."
        "Check the output folder's permissions and free space; the message carries the system's reason."
    OutputClash "BL1003" "two things write one output path"
        "Two owners (pages, aliases, copied files, tag pages, backlot's generated files) would write the same output path, or one needs a folder where the other writes a file."
        "Rename or move one of them; the message names both."
    ImageVariantFailed "BL1004" "image variant cannot be made"
        "backlot makes smaller copies of images for the widths listed in `[images] widths`, and could not decode or resize this one."
        "Save the image again as a plain PNG or JPEG, or remove the width from `[images] widths`."
    CacheWrite "BL1005" "cache cannot be written"
        "The cache of external link results could not be saved, so the next `check --external` requests every address again."
        "Check that the site's folder is writable."

    FactUnknown "BL1101" "citation names an unknown product or release"
        "A `<!-- backlot:version -->` citation names a product or release that data/versions.toml does not list, or the site has no such data file."
        "Correct the name, or add the product or release to the data file."
    FactMismatch "BL1102" "cited version differs from the data"
        "The version the page shows between the citation comments is not the one data/versions.toml has for that release."
        "Write the data's version between the comments, or correct the data file."
    FactEndOfSupport "BL1103" "cited release is past its end of support"
        "The page cites a release whose end of support, as data/versions.toml gives it, is past."
        "Write about a supported release, or say on the page that this one is no longer supported."
    CitationUnclosed "BL1104" "citation is not closed"
        "A `<!-- backlot:version -->` citation is not closed by `<!-- /backlot:version -->` in the same paragraph."
        "Close it in the same paragraph."
    CitationAtLineStart "BL1105" "citation at the start of a line"
        "A citation comment at the start of a line is read by Markdown as an HTML block, not as part of a sentence, so it is not checked."
        "Move it after a word of the sentence, or join the line to the one before."

    LanguageInvalid "BL1201" "language cannot be a URL segment"
        "A language's tag is used in the addresses of its pages, so it must be a valid URL segment."
        "Use a language tag such as \"ar\", \"pt-BR\" or \"zh-Hans\"."
    LanguageFolderMissing "BL1202" "language has no content folder"
        "Each `[languages.X]` reads its translated pages from its own content folder, which does not exist."
        "Create the folder with the translated pages, or remove the language."
    VersionUnavailable "BL1203" "version cannot be built"
        "A `[[versions]]` entry cannot be built: its name is not a single URL segment, it sets both or neither of `ref` and `dir`, its git ref cannot be read, or the ref or folder holds no content folder."
        "Follow the help line: a name such as \"v1\", exactly one of `ref` (a branch or tag, fetched in CI with its history) and `dir`, pointing at a tree that has the site's content folder."
    VariantAddressTaken "BL1204" "page address taken by a language or version"
        "A page's address starts with the folder a language or version is published under, so the two would collide."
        "Rename the page's folder, or change the language or version name."
    Untranslated "BL1205" "page not translated"
        "A page of the main language has no translation in a language that is not marked as partial."
        "Add the translated page, or set `partial = true` in the language's table in site.toml to accept missing pages."
    TranslationOutdated "BL1206" "translation is older than its original"
        "By git history, the original page was committed after its translation, so the translation may be out of date."
        "Bring the translation up to date with the original and commit it."

    InitSiteExists "BL1301" "site.toml already exists"
        "`backlot init` never overwrites a site.toml."
        "Edit the existing file, or remove it and run `backlot init` again."
    InitNoDocs "BL1302" "no folder with Markdown files found"
        "`backlot init` looks for the repository's docs (docs/, a folder of Markdown files) and found none."
        "Put the docs in a docs/ folder, or write site.toml by hand with `content_dir = \"your-folder\"`."
    NewPagePath "BL1303" "new page path not allowed"
        "`backlot new` creates a Markdown page inside the site's content folder; the path given is not a .md file there, or the file already exists."
        "Give a new path such as `content/guide/setup.md`."
    CommandWrite "BL1304" "command cannot write its file"
        "`backlot init` or `backlot new` could not create a folder or write the file."
        "Check the folder's permissions and free space."
}
