"""Every bound vsp puts on its input, in one place: what a statement, a configuration, a form file, a template
folder, a logo or a build record may hold, and what a single step may cost.

Everything in a statements repository may be hostile, so nothing it contains may make `vsp` work without bound.
Each limit is far above what a real document needs (the comment says how far) and is named in the message that
reports it („Grenze MAX_NODES“), so a clerk who meets one can look it up here and in the docs.
"""

from __future__ import annotations

# --- statement files -------------------------------------------------------------------------------------------

#: Largest statement file accepted. Real ones are 5–60 kB; the limit stops a mistaken or hostile input early,
#: and nothing (parser, build fingerprint) ever reads more of a file than this and one byte.
MAX_BYTES = 1_000_000
#: Most values the data may expand to (aliases counted at every use): a real statement has a few hundred, a
#: billion-laughs file hits this in milliseconds.
MAX_NODES = 20_000
#: Deepest nesting accepted; statements nest four levels at most.
MAX_DEPTH = 50
#: Most characters of text the data may expand to (aliases counted at every use). A file within MAX_BYTES has
#: fewer without aliases; with them, a long text used a few hundred times would be validated and set for hours.
MAX_CHARS = MAX_BYTES
#: Most inline marks (emphasis, code spans, links) and table cells the Markdown fields may have together. A real
#: statement has a few dozen; each costs the PDF renderer a paragraph fragment or a cell, and ReportLab far
#: more, so a file with marks on every word or a table of 400,000 cells (made by a program, or hostile) would be
#: set for minutes instead of being refused at once.
MAX_MARKUP = 10_000
#: Most lines the Markdown fields and the Anlagen may have together. A long real statement has about a thousand; each line can
#: be a block of its own (a heading, a list item, a table row), which costs the PDF up to half a millisecond.
MAX_MARKDOWN_LINES = 10_000
#: Deepest nesting of lists and quotes in a Markdown field. Real statements nest two levels; each level
#: takes width from the text, and markdown-it drops the rest of a text past its own limit
#: (`MAX_PARSER_NESTING`), which this keeps far away.
MAX_NESTING = 10
#: Longest paragraph or table cell of a Markdown field, in characters. A long real paragraph has 3,000; ReportLab
#: breaks the lines of one paragraph in time growing with the square of its words (a cell or paragraph of
#: 300,000 words took half a minute), so one many pages long is refused rather than set for minutes.
MAX_PARAGRAPH = 50_000
#: Most characters the table cells of the Markdown fields may hold together. A large real table has a few
#: thousand; ReportLab breaks the lines of a cell about ten times slower per word than those of a paragraph, and
#: a row of cells in narrow columns runs over many pages: a statement of twenty such cells of 50,000 characters
#: (within MAX_BYTES and MAX_PARAGRAPH) took half a minute to set, at this limit it takes about a second.
MAX_TABLE_TEXT = 100_000
#: markdown-it's nesting limit as vsp sets it: deeper blocks would be dropped silently (its default of 20
#: lost everything after them). Validation refuses more than `MAX_NESTING` lists and quotes inside one another,
#: far below this.
MAX_PARSER_NESTING = 100
#: Longer "words" (a pasted hash, a line of dashes, a hostile input) are not hyphenated: the longest German
#: compounds have about 80 letters, and looking up a 100,000-letter word again at each line would take minutes.
MAX_WORD = 100
#: Longest word of prose that a line may end inside at one of its own slashes or hyphens (a web address, a
#: chain of words joined by hyphens); a longer one is cut where the line ends. ReportLab tries every slash of an
#: address from the longest piece on, measuring each piece whole and holding all of them at once: a paragraph
#: of one address with 16,000 slashes (within MAX_PARAGRAPH) took 12 s and 830 MB to set, one of bold and plain
#: parts joined by 8,000 hyphens 3 s. Real addresses have up to a few hundred characters.
MAX_BREAK_WORD = 1_000
#: Most clickable areas of links in one PDF: ReportLab makes one for each line a link's text takes, and each
#: costs an annotation object. Bare web addresses need no mark (`MAX_MARKUP` does not count them): a statement of
#: 100,000 addresses `www.a.de` (900 kB) took 16 s and 770 MB to set, into a PDF of 52 MB. A real statement has
#: a few dozen.
MAX_LINK_AREAS = 10_000
#: Most characters of link targets the clickable areas of one PDF hold together: each area holds its link's
#: whole target twice (/URI and /Contents), so a long target repeats for every line of its text and for every
#: use of its reference definition. A statement of 47 addresses of 20,000 characters took 12 s and 1.8 GB to set
#: into a PDF of 600 MB, one of 3,000 references to one target 43 s and 2.9 GB. A real statement's links hold a
#: few thousand.
MAX_LINK_TARGETS = 1_000_000
#: The longest string PDF/A-2 allows, in bytes (ISO 19005-2 6.1.13, veraPDF 6.1.13-3): a link's target longer
#: than that prints as text, without the link.
MAX_PDF_STRING = 32_767
#: Most digits before the comma of an amount (a hundred trillion euros): longer is a slip of the keyboard, and
#: Python reads no integer beyond 4,300 digits.
MAX_AMOUNT_DIGITS = 15

# --- messages --------------------------------------------------------------------------------------------------

#: Most characters of a value a message repeats. A message is one line of a log: a value pasted by mistake, or
#: a file that is no statement at all (a key, a token), must not be copied into it whole.
QUOTE_LIMIT = 60

#: Most names a message lists (the options of a form, its own blocks): a form file may declare thousands, and a
#: message repeating them all for each of thousands of problems of a statement made hundreds of megabytes.
#: vsp's own lists have at most 31 names.
MAX_LISTED = 40
#: Most names a „Meinten Sie …?“ compares a misspelt one with, and most problems of one kind in a file that get
#: such a hint: each comparison takes microseconds, and a statement of 15,000 unknown `zusatzfelder` against a
#: form of 3,000 blocks was checked for minutes (every failing check again for every statement of the form).
#: An unknown key past MAX_HINTS does not list the allowed ones either.
MAX_HINT_CHOICES = 200
MAX_HINTS = 20

# --- configuration and logo ------------------------------------------------------------------------------------

#: Largest configuration file read. A vsp.toml has a few hundred bytes, a pyproject.toml rarely 20 kB; nothing
#: reads more of one than this and one byte.
MAX_CONFIG_BYTES = 1_000_000
#: Most pixels of a logo. Decoding takes memory by pixels, not by file size: a few-kB PNG can claim billions
#: (a 164 kB PNG of 13,000 × 13,000 took 550 MB to embed), so the size is read from the header by the
#: configuration, and the renderer checks it again on the image as decoded (`logo.py`), whatever the file's
#: headers claim.
MAX_LOGO_PIXELS = 16_000_000
#: Largest logo file: an uncompressed 4000 × 4000 PNG has 48 MB; a logo worth printing has far less.
MAX_LOGO_BYTES = 50_000_000
#: Most scans (`SOS` markers) of a JPEG logo. A progressive JPEG has about ten, one per pass over the image; a
#: decoder goes over all pixels again for each, so a 125 kB file of 2,000 repeated scans of 4000 × 4000 pixels
#: took 45 s to decode, one of MAX_LOGO_BYTES hours. At this limit a logo of MAX_LOGO_PIXELS takes 2 s at most.
MAX_LOGO_SCANS = 100
#: Most pieces of a logo that Pillow reads one at a time in Python before the pixels: a PNG's chunks, a JPEG's
#: markers and stray bytes before its first scan. A PNG written in 8 kB chunks, the most common size, has some
#: 6,000 at MAX_LOGO_BYTES; a logo of 4,000,000 empty chunks (49 MB) took 11 s to open, in every worker.
MAX_LOGO_PIECES = 100_000
#: Most entries of `[labels]` or `[formulare]` in a configuration: a form has about a hundred labels, a project
#: a few forms. Each entry costs a check (a label's „Meinten Sie …?“, a form file's path resolved link by link): a
#: vsp.toml of 40,000 form names took 4 s, of 40,000 unknown labels 5 s, for each run.
MAX_TABLE_ENTRIES = 1_000
#: Longest label of a form or of `[labels]`: the defaults have up to 57 characters.
LABEL_MAX = 200

# --- form files ------------------------------------------------------------------------------------------------

#: Largest form file: the built-in forms have 2–7 kB.
MAX_FORM_BYTES = 256 * 1024
#: Most links of an `erbt` chain, built-in ones counted (user → 2019 → 2017 → 2014 has three).
MAX_LINKS = 4
#: How deep arrays, inline tables and tables (headers, dotted keys) may nest in a TOML file vsp reads (a form has
#: 5 levels, a configuration 2): deeper arrays and inline tables would exhaust Python's stack in `tomllib`, which
#: parses them recursively, and a dotted key costs it time squared in its parts (60,000 took a minute).
MAX_TOML_NESTING = 32

#: Most parsed form files, effective forms and relabelled forms a process keeps, each kind for itself (each is
#: built once per process while kept; a project has a few forms).
MAX_KEPT_FORMS = 64
#: Most bytes of form files whose parsed or effective forms a process keeps, each kind for itself: a form takes
#: tens of times its file's size in memory, and 64 kept forms of MAX_FORM_BYTES took 1 GB, in every process.
#: Eight forms of that size, some hundreds of real ones.
MAX_KEPT_FORM_BYTES = 8 * MAX_FORM_BYTES

# --- templates -------------------------------------------------------------------------------------------------

#: Bytes a template folder may hold: a few templates take kilobytes; a folder of PDFs or a whole repository
#: named by mistake would be read for every statement.
MAX_TEMPLATE_BYTES = 10_000_000
#: Files and folders a template folder may hold (hidden ones counted, though not read): a handful is usual; `/`
#: or a home folder named by mistake is not walked to its end, nor a tree of empty folders listed again for every
#: statement.
MAX_TEMPLATE_FILES = 1_000
#: Largest template (a file of a template folder a template is loaded from): the built-in ones have 1–7 kB.
#: Jinja and Python's compiler, which no budget interrupts, took 6 s and 670 MB for a template of 1 MB, and 71 s
#: and 5 GB for one of 9 MB, in every process again.
MAX_TEMPLATE_FILE_BYTES = 256 * 1024
#: Bytes of templates one template folder may have compiled in a process (each template once): Jinja and
#: Python's compiler take up to 6 s a MB, which no budget interrupts, so a folder of MAX_TEMPLATE_BYTES of
#: templates included by one another took 25 s before the first statement. Four templates of the largest size.
MAX_TEMPLATE_COMPILED_BYTES = 4 * MAX_TEMPLATE_FILE_BYTES
#: CPU seconds one render of a template may take; a statement's takes well under a millisecond.
MAX_TEMPLATE_SECONDS = 2.0
#: Characters one render may produce; also the longest text any step of it may make.
MAX_TEMPLATE_CHARS = 10_000_000
#: Characters of text a comparison or a hash may look at, each text as often as it is held (and, for `sort`,
#: `unique`, `min` and `max`, first put in lower case): `[a] * 1000000` with `a` of 9,000,000 characters took
#: hours through `unique`. Ten renders' worth: a comparison of values a render could print is never refused.
MAX_TEMPLATE_COMPARED_CHARS = 100_000_000
#: Longest list a step may make (`[x] * n`, `batch`); also the most items a comparison or a hash may look at (a
#: list held twice counted twice: `[a, a]`, doubled sixty times, is small but has 2**60 items to compare).
MAX_TEMPLATE_ITEMS = 1_000_000
#: Widest padding a format or filter may produce (`center`, `"{:>n}"`, `"%*d"`, `indent`).
MAX_TEMPLATE_WIDTH = 1_000_000
#: Largest integer a step may make, in bits: `10 ** 10 ** 8` would compute for minutes in one step.
MAX_TEMPLATE_BITS = 100_000
#: Memory one render may add to its process, in bytes. The limits above bound each value a step makes, not how
#: many are alive at once: a list of a hundred references to one long text is printed as a hundred copies
#: (`[a] * 100 | string`), and `map("upper") | list` keeps each result. Enforced as a limit on the process's
#: address space while the render runs (`sandbox.memory_cap`, Linux).
MAX_TEMPLATE_MEMORY = 400_000_000

# --- builds ----------------------------------------------------------------------------------------------------

#: Most folders `--watch` watches (each with a watch of the system, of which a user has some 8,000 to a few
#: hundred thousand, shared by all programs): a repository has a few dozen. Folders beyond are not watched.
MAX_WATCHED_FOLDERS = 5_000

#: Most worker processes of a build, whatever `-j` asks.
MAX_WORKERS = 32
#: Largest build record read: an entry takes a few hundred bytes.
MAX_RECORD_BYTES = 64_000_000
#: Most entries a build record may have, and most values (numbers, texts, lists) one entry or a record in the
#: format before 0.3 may have: two entries per statement of one output folder. Each entry costs the main
#: process some hundred bytes whatever its size, and a forged record within MAX_RECORD_BYTES of 4,000,000 tiny
#: entries (`"1.pdf":0`) took 1.4 GB and 26 s, in the old format 1.8 GB and 47 s.
MAX_RECORD_ENTRIES = 100_000
#: Largest output file hashed to see whether it is as written: a PDF with the largest logo has some 50 MB.
MAX_OUTPUT_BYTES = 100_000_000
#: Largest file read from the user's cache folder (the hyphenation patterns take some 2 MB, a compiled template
#: some tens of KB): a larger one is not vsp's and is passed over.
MAX_CACHE_BYTES = 16_000_000
