"""The shipped seed vocabulary: well-formed, sourced, seven languages in fitting scripts."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from ingest import build_seed, read_jsonl, seed_dir, seed_files
from ingest.records import ConceptRecord
from kg import GraphStore, IngestError
from kg.graph.model import PRACTICE_KINDS, ConceptRelation, LocalPractice
from kg.graph.semantic_types import semantic_types

LANGS = ("en", "zh", "ja", "ko", "sw", "th", "yo")
LOCAL_LANG = {"KE": "sw", "TZ": "sw", "NG": "yo", "TH": "th", "CN": "zh", "JP": "ja", "KR": "ko"}


HAN, KANA = "\u4e00-\u9fff\u3400-\u4dbf", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
SCRIPTS = {
    "zh": f"[{HAN}]",
    "ja": f"[{HAN}{KANA}]",
    "ko": "[\uac00-\ud7af\u1100-\u11ff]",
    "th": "[\u0e00-\u0e7f]",
}


def _latin(char: str) -> bool:
    # Yoruba tone marks and under-dots decompose to a Latin letter plus combining marks.
    return unicodedata.normalize("NFD", char)[0].isascii()


def _script_ok(lang: str, text: str) -> bool:
    """en/sw/yo: Latin letters only. zh/ja/ko/th: letters of the language's script, with
    Latin allowed beside them for acronyms such as 'HIV感染', and at least one in-script."""
    letters = [c for c in text if c.isalpha() and unicodedata.category(c) != "Mn"]
    if lang not in SCRIPTS:
        return all(_latin(c) for c in letters)
    native = [bool(re.match(SCRIPTS[lang], c)) for c in letters]
    return any(native) and all(ok or _latin(c) for ok, c in zip(native, letters, strict=True))


CONCEPTS = [r for path in seed_files(seed_dir(), "concepts") for r in read_jsonl(path, ConceptRecord)]
RELATIONS = [r for path in seed_files(seed_dir(), "relations") for r in read_jsonl(path, ConceptRelation)]
PRACTICE = [r for path in seed_files(seed_dir(), "local_practice") for r in read_jsonl(path, LocalPractice)]


def test_seed_size() -> None:
    assert len(CONCEPTS) >= 1500  # issue 11: toward the common clinical vocabulary
    assert len(RELATIONS) >= 500
    assert len(PRACTICE) >= 150
    assert {p.region for p in PRACTICE} == set(LOCAL_LANG)  # every region behind the six languages


def test_ids_are_unique_and_every_end_exists() -> None:
    ids = [c.cui for c in CONCEPTS]
    assert len(ids) == len(set(ids))
    for edge in [*RELATIONS, *PRACTICE]:
        assert edge.head in ids and edge.tail in ids, edge


def _repeated_relations(relations: list[ConceptRelation]) -> list[tuple[str, str, str]]:
    counts = Counter((r.head, r.rel, r.tail) for r in relations)
    return sorted(key for key, n in counts.items() if n > 1)


def test_no_relation_is_given_twice() -> None:
    # The store keeps one edge per (head, type, tail): a second row would silently replace the
    # first one's source. Give both sources on one row instead.
    assert _repeated_relations(RELATIONS) == []


def test_the_repeated_relation_check_catches_a_second_row() -> None:
    again = RELATIONS[0].model_copy(update={"source": "another source"})
    assert _repeated_relations([*RELATIONS, again]) == [(again.head, again.rel, again.tail)]


# Concepts taken from an ontology file carry only the languages an official source gives: the
# ontology's English label and synonyms, and HPO's OFFICIAL Babelon translations in ja and zh
# (for a DO disease, those of the HP class carrying the same single UMLS CUI); none is invented
# for the rest. MAxO procedures have no official translation, so English only.
ONTOLOGY_FILES: dict[str, set[str]] = {
    "concepts_findings_hpo.jsonl": {"en", "ja", "zh"},
    "concepts_diseases_doid.jsonl": {"en", "ja", "zh"},
    "concepts_procedures_maxo.jsonl": {"en"},
}
FROM_ONTOLOGY = {r.cui: name for name in ONTOLOGY_FILES for r in read_jsonl(seed_dir() / name, ConceptRecord)}
HPO_FINDINGS = {cui for cui, name in FROM_ONTOLOGY.items() if name == "concepts_findings_hpo.jsonl"}


@pytest.mark.parametrize("record", CONCEPTS, ids=lambda c: c.cui)
def test_concept_has_all_seven_languages_in_fitting_scripts(record: ConceptRecord) -> None:
    if record.cui in FROM_ONTOLOGY:
        assert record.terms.get("en"), record.cui
        if record.cui in HPO_FINDINGS:
            assert record.terms.get("ja") or record.terms.get("zh"), record.cui
        allowed = ONTOLOGY_FILES[FROM_ONTOLOGY[record.cui]]
        assert set(record.terms) <= allowed, f"{record.cui}: a language no official source gives"
        assert set(record.terms) <= set(record.term_sources), f"{record.cui}: a term set without its source"
        for lang in set(record.terms) & {"ja", "zh"}:
            assert "OFFICIAL row of HPO Babelon" in record.term_sources[lang], record.cui
    else:
        assert set(LANGS) <= set(record.terms)
    for lang in LANGS:
        if record.cui not in FROM_ONTOLOGY:
            assert record.terms[lang], f"{record.cui} has no {lang} term"
        for text in record.terms.get(lang, []):
            assert _script_ok(lang, text), f"{record.cui}: {text!r} is not in {lang} script"


def test_semantic_types_are_official() -> None:
    official = semantic_types()
    assert len(official) == 127
    assert {tui for c in CONCEPTS for tui in c.semantic_types} <= set(official)


def test_local_practice_is_in_the_region_language_and_sourced() -> None:
    for fact in PRACTICE:
        assert fact.lang == LOCAL_LANG[fact.region], fact
        assert re.search(r"(19|20)\d\d", fact.source), f"no year in source: {fact.source}"


def test_build_loads_the_seed_and_is_idempotent(embedded: GraphStore) -> None:
    build_seed(embedded)
    first = embedded.counts()
    build_seed(embedded)
    assert embedded.counts() == first
    assert first.nodes["Concept"] == len(CONCEPTS)
    assert first.relationships["LOCAL_PRACTICE"] == len(PRACTICE)
    assert first.nodes["Term"] == sum(len(set(v)) for c in CONCEPTS for v in c.terms.values())


def test_malformed_concept_line_names_file_line_and_field(embedded: GraphStore, tmp_path: Path) -> None:
    build_seed(embedded)
    before = embedded.counts()
    good = (seed_dir() / "concepts.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    bad = json.loads(good[1])
    bad["semantic_types"] = ["X999"]
    for name in ("concepts.jsonl", "relations.jsonl", "local_practice.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "concepts.jsonl").write_text("\n".join([good[0], json.dumps(bad)]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"concepts\.jsonl:2: semantic_types\.0"):
        build_seed(embedded, tmp_path)
    assert embedded.counts() == before  # nothing already in the graph was lost


def test_non_json_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "relations.jsonl"
    path.write_text('{"head": "C0024530", "rel": "TREATS", "tail": "C0011849", "source": "s"}\n{oops\n')
    with pytest.raises(IngestError, match=r"relations\.jsonl:2: not valid JSON"):
        list(read_jsonl(path, ConceptRelation))


# --- Issue 11, item 4: the medical review of the seed, kept from coming back ---------------------


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


# A term may denote two seed concepts only when it truly denotes both in everyday use (the linker
# then marks it ambiguous). Each entry says why.
TRUE_HOMONYMS: dict[tuple[str, str], frozenset[str]] = {
    # The virus name is the usual name of the infection too ("people living with HIV").
    ("en", "hiv"): frozenset({"C0019693", "C0019682"}),
    # VVU (Virusi Vya UKIMWI) is the virus and, as in "anaishi na VVU", the infection.
    ("sw", "vvu"): frozenset({"C0019693", "C0019682"}),
    # Yoruba ibà is fever and, colloquially, malaria (Ajayi et al. 2013, term_sources of both).
    ("yo", "ibà"): frozenset({"C0024530", "C0015967"}),
    # Swahili upele is a skin eruption (measles "homa na upele") and scabies (TUKI: "scabies, itch").
    ("sw", "upele"): frozenset({"C0015230", "C0036262"}),
}


def _shared_terms(concepts: list[ConceptRecord]) -> dict[tuple[str, str], frozenset[str]]:
    owners: dict[tuple[str, str], set[str]] = {}
    for concept in concepts:
        for lang, texts in concept.terms.items():
            for text in texts:
                owners.setdefault((lang, _key(text)), set()).add(concept.cui)
    return {key: frozenset(cuis) for key, cuis in owners.items() if len(cuis) > 1}


def test_no_term_names_two_concepts_unless_a_true_homonym() -> None:
    shared = _shared_terms(CONCEPTS)
    assert {k: v for k, v in shared.items() if TRUE_HOMONYMS.get(k) != v} == {}
    assert set(TRUE_HOMONYMS) <= set(shared), "an allow-listed homonym is no longer in the seed"


def test_the_homonym_check_catches_a_term_put_on_a_second_concept() -> None:
    rhinorrhoea = next(c for c in CONCEPTS if c.cui == "C1260880")
    terms = {**rhinorrhoea.terms, "sw": [*rhinorrhoea.terms["sw"], "mafua"]}
    bad = [c for c in CONCEPTS if c.cui != rhinorrhoea.cui] + [rhinorrhoea.model_copy(update={"terms": terms})]
    assert ("sw", "mafua") in _shared_terms(bad)


# Terms the review found on the wrong concept (another concept, a narrower or broader one, the
# organism instead of the infection, a common word). None may be listed for that concept again.
WRONG_PAIRS: list[tuple[str, str, str, str]] = [
    ("mafua", "sw", "C1260880", "flu / common cold, not rhinorrhoea"),
    ("kupooza", "sw", "C0032371", "paralysis, not poliomyelitis"),
    ("โรคไขสันหลังอักเสบ", "th", "C0032371", "myelitis, not poliomyelitis"),
    ("àtọ̀sí ajá", "yo", "C0036323", "urinary schistosomiasis only (a subtype)"),
    ("不适", "zh", "C0231218", "discomfort in general, broader than malaise"),
    ("diabetic foot", "en", "MC200002", "broader than diabetic foot ulcer"),
    ("糖尿病足", "zh", "MC200002", "broader than diabetic foot ulcer"),
    ("당뇨발", "ko", "MC200002", "broader than diabetic foot ulcer"),
    ("意識混濁", "ja", "C0009676", "clouding of consciousness, not confusion"),
    ("saratani ya koo", "sw", "C0152018", "throat cancer, not oesophageal cancer"),
    ("hookworm", "en", "MC100035", "the worm, not the infection"),
    ("hookworm", "sw", "MC100035", "the worm, not the infection"),
    ("hookworm", "yo", "MC100035", "the worm, not the infection"),
    ("ancylostomiasis", "en", "MC100035", "Ancylostoma only; hookworm infection includes necatoriasis"),
    ("H. pylori", "yo", "C0850666", "the bacterium, not the infection"),
    ("HPV", "yo", "MC100050", "the virus (kept on MC100072), not the infection"),
    ("fit", "en", "C0036572", "also the faecal immunochemical test (FIT) and an everyday word"),
    ("消瘦", "zh", "C1262477", "wasting / emaciation, kept on wasting (MC300017)"),
    ("眩晕", "zh", "C0012833", "vertigo, not dizziness"),
    ("腰痛", "ja", "C0004604", "low back pain (on C0024031)"),
    ("요통", "ko", "C0004604", "low back pain (on C0024031)"),
    ("homa ya ini", "sw", "C0019163", "hepatitis in general, not hepatitis B"),
    ("Weil's disease", "en", "C0023364", "severe icteric leptospirosis only"),
    ("elephantiasis", "en", "C0013884", "a sign, also non-filarial (podoconiosis)"),
    ("amoebic dysentery", "en", "C0002438", "one form of amoebiasis"),
    ("thrush", "en", "C0006840", "oral or vaginal candidiasis only"),
    ("tubal pregnancy", "en", "C0032987", "one site of ectopic pregnancy"),
    ("pregnancy loss", "en", "C0000786", "includes stillbirth"),
    ("diabetes in pregnancy", "en", "C0085207", "WHO: pre-existing diabetes in pregnancy, not GDM"),
    ("frequent urination", "en", "C0032617", "urinary frequency, not polyuria"),
    ("haemorrhagic stroke", "en", "C2937358", "includes subarachnoid haemorrhage"),
    ("fatty liver", "en", "C0400966", "any hepatic steatosis, alcoholic too"),
    ("liver cancer", "en", "C2239176", "all primary liver cancers, not only HCC"),
    ("blood cancer", "en", "C0023418", "includes lymphoma and myeloma"),
    ("thyrotoxicosis", "en", "C0020550", "broader than hyperthyroidism"),
    ("syndrome X", "en", "C0524620", "also cardiac syndrome X"),
    ("hypertensive crisis", "en", "MC200007", "urgency and emergency together"),
    ("impaired glucose tolerance", "en", "C0362046", "one form of prediabetes"),
    ("dialysis", "en", "MC200065", "peritoneal dialysis too"),
    ("E", "en", "MC100076", "a single letter: regimen shorthand, not a name"),
    ("Z", "en", "MC100077", "a single letter: regimen shorthand, not a name"),
    ("ARV", "en", "MC100126", "antiretroviral(s) in African usage"),
    ("baridi kali", "sw", "C0085593", "bitter cold, said of the weather (running text: 'Kuna baridi kali leo')"),
]


def _wrong_pairs_present(concepts: list[ConceptRecord]) -> list[tuple[str, str, str, str]]:
    by_cui = {c.cui: c for c in concepts}
    return [
        pair
        for pair in WRONG_PAIRS
        if pair[2] in by_cui and _key(pair[0]) in {_key(t) for t in by_cui[pair[2]].terms.get(pair[1], [])}
    ]


def test_known_wrong_pairs_from_the_review_do_not_come_back() -> None:
    ids = {c.cui for c in CONCEPTS}
    assert {cui for _, _, cui, _ in WRONG_PAIRS} <= ids, "a concept of the table left the seed: update the table"
    assert _wrong_pairs_present(CONCEPTS) == []


def test_the_wrong_pair_check_catches_a_returning_term() -> None:
    polio = next(c for c in CONCEPTS if c.cui == "C0032371")
    bad = polio.model_copy(update={"terms": {**polio.terms, "sw": [*polio.terms["sw"], "Kupooza"]}})
    assert [p[:3] for p in _wrong_pairs_present([bad])] == [("kupooza", "sw", "C0032371")]


def test_no_latin_term_is_a_single_letter() -> None:
    short = [
        (c.cui, lang, t) for c in CONCEPTS for lang, ts in c.terms.items() for t in ts if len(t) < 2 and t.isascii()
    ]
    assert short == []


def test_an_organism_is_not_named_as_the_disease_it_causes() -> None:
    """'hookworm', 'H. pylori', 'HPV': the organism's name listed as a term of its disease."""
    by_cui = {c.cui: c for c in CONCEPTS}
    organism_types = {"T004", "T005", "T007", "T204"}
    clashes = []
    for edge in RELATIONS:
        head, tail = by_cui[edge.head], by_cui[edge.tail]
        if edge.rel != "CAUSES" or not organism_types & set(head.semantic_types):
            continue
        names = {_key(t) for ts in head.terms.values() for t in ts}  # in any language
        for lang, texts in tail.terms.items():
            for text in texts:
                homonym = any(k[1] == _key(text) and v == {head.cui, tail.cui} for k, v in TRUE_HOMONYMS.items())
                if _key(text) in names and not homonym:
                    clashes.append((head.cui, tail.cui, lang, text))
    assert clashes == []


# UMLS CUIs that a public ontology file pairs with a seed concept (issue 11): the concept of that
# name, or carrying that ontology xref, must use the CUI rather than an own MC id or another CUI.
# DOID: Disease Ontology (CC0); MONDO: Mondo (CC BY 4.0); HP: Human Phenotype Ontology (HPO licence).
PUBLIC_CUIS: dict[str, tuple[str, str]] = {
    "Muscle weakness": ("C0151786", "HP:0001324"),
    "Lassa fever": ("C0023092", "DOID:9537"),
    "Paralysis": ("C0522224", "HP:0003470"),
    "Blurred vision": ("C0344232", "HP:0000622"),
    "Hypoxemia": ("C0700292", "HP:0012418"),
    "Tachypnea": ("C0231835", "HP:0002789"),
    "Loss of smell": ("C0003126", "HP:0000458"),
    "Hearing loss": ("C1384666", "MONDO:0005365"),
    "Dengue": ("C0011311", "DOID:12205"),
    "Cerebral malaria": ("C0024534", "DOID:14069"),
    "Hepatitis A": ("C0019159", "DOID:12549"),
    "Hepatitis C": ("C0019196", "DOID:1883"),
    "Hepatitis E": ("C0085293", "DOID:4411"),
    "AIDS": ("C0001175", "DOID:635"),
    "Cryptococcal meningitis": ("C0085436", "MONDO:0005723"),
    "Pneumocystis pneumonia": ("C1535939", "DOID:11339"),
    "Kaposi sarcoma": ("C0036220", "MONDO:0005055"),
    "Multidrug-resistant tuberculosis": ("C0206526", "DOID:401"),
    "Tuberculous meningitis": ("C0041318", "MONDO:0006042"),
    "Latent tuberculosis infection": ("C1609538", "MONDO:0040753"),
    "Pneumonia": ("C0032285", "DOID:552"),
    "Bacterial meningitis": ("C0085437", "DOID:9470"),
    "Tetanus": ("C0039614", "DOID:11338"),
    "Neonatal tetanus": ("C0343312", "DOID:13521"),
    "Rabies": ("C0034494", "DOID:11260"),
    "Rubella": ("C0035920", "DOID:8781"),
    "Mumps": ("C0026780", "DOID:10264"),
    "Poliomyelitis": ("C0032371", "DOID:4953"),
    "Diphtheria": ("C0012546", "MONDO:0005504"),
    "Pertussis": ("C0043167", "MONDO:0005077"),
    "Varicella": ("C0008049", "DOID:8659"),
    "Herpes zoster": ("C0019360", "DOID:8536"),
    "Influenza": ("C0021400", "DOID:8469"),
    "Hand, foot and mouth disease": ("C0018572", "DOID:10881"),
    "Japanese encephalitis": ("C0014057", "DOID:10844"),
    "Scrub typhus": ("C0036472", "DOID:13371"),
    "Melioidosis": ("C0025229", "DOID:5052"),
    "Leptospirosis": ("C0023364", "MONDO:0005825"),
    "Opisthorchiasis": ("C0029106", "DOID:13768"),
    "Clonorchiasis": ("C0009021", "DOID:13767"),
    "Ascariasis": ("C0003950", "DOID:456"),
    "Lymphatic filariasis": ("C0013884", "DOID:12211"),
    "Onchocerciasis": ("C0029001", "DOID:11678"),
    "Trachoma": ("C0040592", "MONDO:0001249"),
    "Leprosy": ("C0023343", "DOID:1024"),
    "Human African trypanosomiasis": ("C0041228", "DOID:10112"),
    "Visceral leishmaniasis": ("C0023290", "DOID:9146"),
    "Ebola virus disease": ("C0282687", "DOID:4325"),
    "Mpox": ("C0276180", "DOID:3292"),
    "Urinary tract infection": ("C0042029", "MONDO:0100338"),
    "Sepsis": ("C0036690", "HP:0100806"),
    "Syphilis": ("C0039128", "MONDO:0005976"),
    "Gonorrhoea": ("C0018081", "DOID:7551"),
    "Amoebiasis": ("C0002438", "DOID:9181"),
    "Scabies": ("C0036262", "DOID:8295"),
    "Dermatophytosis": ("C0011636", "DOID:8913"),
    "Candidiasis": ("C0006840", "DOID:1508"),
    "Haemorrhagic fever with renal syndrome": ("C0019101", "DOID:11266"),
    "Pre-eclampsia": ("C0032914", "DOID:10591"),
    "Eclampsia": ("C0013537", "DOID:13593"),
    "Ectopic pregnancy": ("C0032987", "DOID:0060329"),
    "Miscarriage": ("C0000786", "HP:0005268"),
    "Neonatal sepsis": ("C0456103", "MONDO:0700217"),
    "Neonatal jaundice": ("C0022353", "DOID:2383"),
    "Birth asphyxia": ("C0004045", "MONDO:0006663"),
    "Gestational diabetes mellitus": ("C0085207", "DOID:11714"),
    "Kwashiorkor": ("C0022806", "DOID:13579"),
    "Marasmus": ("C0086588", "DOID:12328"),
    "Iron deficiency anaemia": ("C0162316", "MONDO:0001356"),
    "Thalassaemia": ("C0039730", "DOID:10241"),
    "G6PD deficiency": ("C2939465", "MONDO:0005775"),
    "Haemophilia": ("C0684275", "MONDO:0018660"),
    "Anaemia": ("C0002871", "DOID:2355"),
    "Placenta praevia": ("C0032046", "DOID:11060"),
    "Placental abruption": ("C0000832", "MONDO:0004846"),
    "Bell palsy": ("C0376175", "DOID:12506"),
    "Diabetic nephropathy": ("C0011881", "MONDO:0005016"),
    "Diabetic neuropathy": ("C0011882", "DOID:9743"),
    "Cardiovascular disease": ("C0007222", "MONDO:0004995"),
    "Rheumatic heart disease": ("C0035439", "MONDO:0006955"),
    "Ischaemic stroke": ("C0948008", "MONDO:1060198"),
    "Intracerebral haemorrhage": ("C2937358", "MONDO:0013792"),
    "Acute kidney injury": ("C2609414", "MONDO:0002492"),
    "Non-alcoholic fatty liver disease": ("C0400966", "MONDO:0013209"),
    "Nasopharyngeal carcinoma": ("C2931822", "MONDO:0015459"),
    "Cholangiocarcinoma": ("C0206698", "MONDO:0019087"),
    "Bladder cancer": ("C0005684", "MONDO:0001187"),
    "Graves disease": ("C0018213", "DOID:12361"),
    "Goitre": ("C0018021", "DOID:12176"),
    "Neural tube defects": ("C0027794", "MONDO:0018075"),
    "Earache": ("C0013456", "HP:0030766"),
    "Helicobacter pylori infection": ("C0850666", "HP:0005202"),
}
# Ids found wrong in review: no concept may use them again.
RETIRED_IDS = {"C0026848": "Muscular diseases (myopathy), once used for muscle weakness"}
ONTOLOGY_XREF = re.compile(r"^(DOID|MONDO|HP|SYMP):\d+$")


def _public_cui_mismatches(concepts: list[ConceptRecord]) -> list[tuple[str, str, str]]:
    wanted_by_xref = {ref: cui for cui, ref in PUBLIC_CUIS.values()}
    out = []
    for c in concepts:
        wanted = {PUBLIC_CUIS[c.name][0]} if c.name in PUBLIC_CUIS else set()
        wanted |= {wanted_by_xref[x] for x in c.xrefs if x in wanted_by_xref}
        out += [(c.name, c.cui, cui) for cui in wanted if cui != c.cui]
    return out


def test_concepts_with_a_public_cui_use_it() -> None:
    names = {c.name for c in CONCEPTS}
    assert set(PUBLIC_CUIS) <= names, "a concept of the table left the seed: update the table"
    assert _public_cui_mismatches(CONCEPTS) == []
    assert not RETIRED_IDS.keys() & {c.cui for c in CONCEPTS}


def test_the_public_cui_check_catches_an_own_id_or_a_wrong_cui() -> None:
    tetanus = next(c for c in CONCEPTS if c.name == "Tetanus")
    weakness = next(c for c in CONCEPTS if c.name == "Muscle weakness")
    bad = [tetanus.model_copy(update={"cui": "MC100017"}), weakness.model_copy(update={"cui": "C0026848"})]
    assert _public_cui_mismatches(bad) == [
        ("Tetanus", "MC100017", "C0039614"),
        ("Muscle weakness", "C0026848", "C0151786"),
    ]


def test_a_cui_taken_from_an_ontology_names_its_source() -> None:
    """A concept carrying a DOID/MONDO/HP/SYMP xref got its CUI from it: it is a CUI, and the
    source field says which record (with the file's licence)."""
    for c in CONCEPTS:
        refs = [x for x in c.xrefs if ONTOLOGY_XREF.match(x)]
        if refs:
            assert c.cui.startswith("C"), c.cui
            assert all(ref in c.source for ref in refs), (c.cui, c.source)
            assert re.search(r"CC0|CC BY 4\.0|HPO licence", c.source), c.source


# What a practice fact's tail may be, by kind, as UMLS semantic types. The head is the condition.
DRUGS = {"T109", "T116", "T121", "T125", "T127", "T129", "T195"}
PROCEDURES = {"T058", "T059", "T060", "T061"}
FINDINGS = {"T033", "T184"}
ORGANISMS = {"T004", "T005", "T007", "T204"}
CONDITIONS = {"T019", "T033", "T037", "T040", "T046", "T047", "T048", "T184", "T191"}
PRACTICE_TAILS: dict[str, set[str]] = {
    "first_line_treatment": DRUGS | {"T061"},
    "second_line_treatment": DRUGS | {"T061"},
    "drug_availability": DRUGS | {"T061"},
    "vaccination": {"T129"},  # a vaccine, not the generic procedure 'Vaccination' (T061)
    "screening": PROCEDURES | FINDINGS,
    "prevention": DRUGS | PROCEDURES | ORGANISMS,
    "traditional_practice": DRUGS | {"T061"},
    "referral": FINDINGS | PROCEDURES,
    "prevalence": ORGANISMS | {"T059", "T060"},  # or the head itself
}


def _misfit_practice(facts: list[LocalPractice]) -> list[LocalPractice]:
    types = {c.cui: set(c.semantic_types) for c in CONCEPTS}
    return [
        f
        for f in facts
        if not (f.head == f.tail and f.kind in ("prevalence", "screening"))
        and not (types[f.head] & CONDITIONS and types[f.tail] & PRACTICE_TAILS[f.kind])
    ]


def test_every_practice_fact_concept_fits_the_fact() -> None:
    assert set(PRACTICE_TAILS) == set(PRACTICE_KINDS)
    assert _misfit_practice(PRACTICE) == []


def test_the_practice_check_catches_a_vaccine_fact_on_generic_vaccination() -> None:
    fact = next(f for f in PRACTICE if f.kind == "vaccination" and f.head == "C0043395")
    assert fact.tail == "MC100120"  # yellow fever vaccine
    assert _misfit_practice([fact.model_copy(update={"tail": "C0042196"})]) != []


# --- Issue 11, item 5: the seed grown from DO, Mondo and MAxO; errors of that kind kept out -----

CODE_AS_TERM = re.compile(r"^[A-Za-z]+:[A-Za-z]?\d+$")  # an ontology id (NCIT:C63474) is not a term


def _term_form_errors(concepts: list[ConceptRecord]) -> list[tuple[str, str, str]]:
    """A British spelling written twice over (leukaaemia), an id copied as a term, and a
    translation with a stray full stop, or (in the DO file) with a bracketed gloss (外反(眼瞼))."""
    bad = []
    for c in concepts:
        glossed = FROM_ONTOLOGY.get(c.cui) == "concepts_diseases_doid.jsonl"
        for lang, texts in c.terms.items():
            for text in texts:
                if (
                    (lang == "en" and "aae" in text.casefold())
                    or CODE_AS_TERM.match(text)
                    or (
                        lang in ("ja", "zh") and (text.endswith((".", "。")) or (glossed and re.search(r"[(（]", text)))
                    )
                ):
                    bad.append((c.cui, lang, text))
    return bad


def test_no_term_is_malformed() -> None:
    assert _term_form_errors(CONCEPTS) == []


def test_the_term_form_check_catches_each_kind() -> None:
    aml = next(c for c in CONCEPTS if c.cui == "C0023467")  # acute myeloid leukemia, from DO
    terms = {
        **aml.terms,
        "en": [*aml.terms["en"], "acute myeloid leukaaemia", "NCIT:C3171"],
        "ja": ["急性骨髄性白血病.", "急性骨髄性白血病(AML)"],
    }
    assert [e[2] for e in _term_form_errors([aml.model_copy(update={"terms": terms})])] == [
        "acute myeloid leukaaemia",
        "NCIT:C3171",
        "急性骨髄性白血病.",
        "急性骨髄性白血病(AML)",
    ]


# Words that make a class narrower (a course, an extent, an age, a cause, a site).
QUALIFIERS = {
    "acute", "chronic", "disseminated", "localized", "generalized", "primary", "secondary", "congenital", "acquired",
    "juvenile", "adult", "childhood", "neonatal", "familial", "hereditary", "recurrent", "severe", "mild", "early",
    "late", "central", "peripheral", "liver", "hepatic", "pulmonary", "cerebral", "intestinal", "cutaneous", "ocular",
    "renal", "drug-induced", "viral", "bacterial", "fungal", "left", "right", "bilateral", "unilateral",
}  # fmt: skip


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", _key(text))) - {"of", "the", "in", "with", "by", "a", "an", "for", "to", "on"}


def _qualified_labels(concepts: list[ConceptRecord]) -> list[tuple[str, str]]:
    """A DO or MAxO synonym that is the class label with a qualifier added ('disseminated
    strongyloidiasis', 'Echinococcosis of liver') names a narrower class, not the class."""
    out = []
    for c in concepts:
        if FROM_ONTOLOGY.get(c.cui) not in ("concepts_diseases_doid.jsonl", "concepts_procedures_maxo.jsonl"):
            continue
        label = _words(c.terms["en"][0])
        out += [(c.cui, t) for t in c.terms["en"][1:] if label < _words(t) and (_words(t) - label) & QUALIFIERS]
    return out


def test_no_ontology_synonym_is_its_label_qualified() -> None:
    assert _qualified_labels(CONCEPTS) == []


def test_the_qualified_label_check_catches_a_narrower_synonym() -> None:
    strongyloidiasis = next(c for c in CONCEPTS if c.name == "Strongyloidiasis")
    terms = {**strongyloidiasis.terms, "en": [*strongyloidiasis.terms["en"], "disseminated strongyloidiasis"]}
    bad = strongyloidiasis.model_copy(update={"terms": terms})
    assert _qualified_labels([bad]) == [(bad.cui, "disseminated strongyloidiasis")]


def _unagreed_disease_cuis(concepts: list[ConceptRecord]) -> list[str]:
    """A DO disease enters with the CUI only when DO and Mondo (an exact match of the DO class)
    both give it: the concept names both records."""
    return [
        c.cui
        for c in concepts
        if FROM_ONTOLOGY.get(c.cui) == "concepts_diseases_doid.jsonl"
        and not (
            re.fullmatch(r"C\d{7}", c.cui)
            and any(x.startswith("DOID:") for x in c.xrefs)
            and any(x.startswith("MONDO:") for x in c.xrefs)
            and f"UMLS:{c.cui}" in c.source
            and f"UMLS_CUI xref {c.cui}" in c.source
        )
    ]


def test_every_doid_disease_cui_is_agreed_by_do_and_mondo() -> None:
    assert _unagreed_disease_cuis(CONCEPTS) == []


def test_the_agreement_check_catches_a_cui_without_mondo() -> None:
    gastritis = next(c for c in CONCEPTS if c.name == "Gastritis")
    bad = gastritis.model_copy(update={"xrefs": [x for x in gastritis.xrefs if not x.startswith("MONDO:")]})
    assert _unagreed_disease_cuis([bad]) == [gastritis.cui]


def test_every_maxo_procedure_names_its_class_and_is_a_procedure() -> None:
    for c in CONCEPTS:
        if FROM_ONTOLOGY.get(c.cui) == "concepts_procedures_maxo.jsonl":
            refs = [x for x in c.xrefs if x.startswith("MAXO:")]
            assert len(refs) == 1 and refs[0] in c.source and "CC BY 4.0" in c.source, c.cui
            assert set(c.semantic_types) <= {"T058", "T059", "T060", "T061"}, c.cui


# --- IS_A from the ontologies (relations_ontologies.jsonl) ----------------------------------------


def _isa_faults(relations: list[ConceptRelation]) -> list[tuple[str, ...]]:
    """Self loops and one cycle per strongly connected group of the IS_A edges, as concept ids."""
    parents: dict[str, set[str]] = {}
    faults: list[tuple[str, ...]] = []
    for r in relations:
        if r.rel == "IS_A":
            if r.head == r.tail:
                faults.append((r.head,))
            parents.setdefault(r.head, set()).add(r.tail)
    done: set[str] = set()
    for start in sorted(parents):
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, list[str]]] = [(start, sorted(parents.get(start, ())))]
        while stack:  # iterative depth-first search: a back edge to the current path is a cycle
            node, todo = stack[-1]
            if node not in on_path:
                path.append(node)
                on_path.add(node)
            if not todo:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            nxt = todo.pop()
            if nxt in on_path and nxt != node:
                faults.append(tuple(path[path.index(nxt) :]))
            elif nxt not in done and nxt not in on_path:
                stack.append((nxt, sorted(parents.get(nxt, ()))))
    return faults


def test_is_a_has_no_cycle_and_no_self_loop() -> None:
    assert _isa_faults(RELATIONS) == []


def test_the_is_a_check_catches_a_cycle_and_a_self_loop() -> None:
    # Pulmonary tuberculosis IS_A Tuberculosis is in the seed; the reverse closes a cycle.
    back = ConceptRelation(head="C0041296", rel="IS_A", tail="C0041327", source="test")
    self_loop = ConceptRelation(head="C0041296", rel="IS_A", tail="C0041296", source="test")
    assert _isa_faults([*RELATIONS, back]) == [("C0041296", "C0041327")]
    assert _isa_faults([self_loop]) == [("C0041296",)]


ONTOLOGY_RELATIONS = list(read_jsonl(seed_dir() / "relations_ontologies.jsonl", ConceptRelation))
# "<ontology>: A is_a B [is_a C ...]" with classes of that ontology, then the release and licence.
ONTOLOGY_SOURCE = {
    "Human Disease Ontology": ("DOID", "commit 9fbefd66", "CC0 1.0"),
    "Human Phenotype Ontology": ("HP", "release 2025-01-16", "https://hpo.jax.org/license"),
    "Medical Action Ontology (MAxO)": ("MAXO", "commit 7715a3f0", "CC BY 4.0"),
}


def _unsourced_ontology_is_a(relations: list[ConceptRelation]) -> list[ConceptRelation]:
    """Rows whose source does not name an is_a chain between the two ends' classes: the first
    class an xref of the head, the last an xref of the tail or said to stand for it."""
    xrefs = {c.cui: set(c.xrefs) for c in CONCEPTS}
    bad = []
    for r in relations:
        ontology, _, rest = r.source.partition(": ")
        prefix, release, licence = ONTOLOGY_SOURCE.get(ontology, ("NO-ONTOLOGY", "", ""))
        chain = re.match(rf"{prefix}:\d+(?: is_a {prefix}:\d+)+", rest)
        classes = chain.group(0).split(" is_a ") if chain else []
        ok = (
            r.rel == "IS_A"
            and len(classes) >= 2
            and classes[0] != classes[-1]
            and classes[0] in xrefs.get(r.head, set())
            and (classes[-1] in xrefs.get(r.tail, set()) or f"{classes[-1]} taken for {r.tail} by" in rest)
            and release in rest
            and licence in rest
        )
        if not ok:
            bad.append(r)
    return bad


def test_every_ontology_is_a_names_the_class_pair_release_and_licence() -> None:
    assert ONTOLOGY_RELATIONS and _unsourced_ontology_is_a(ONTOLOGY_RELATIONS) == []


def test_the_ontology_source_check_catches_a_row_without_its_classes() -> None:
    row = next(r for r in ONTOLOGY_RELATIONS if r.head == "C0041327" and r.tail == "C0041296")
    swapped = row.model_copy(update={"head": row.tail, "tail": row.head})
    vague = row.model_copy(update={"source": "Human Disease Ontology, commit 9fbefd66; CC0 1.0"})
    assert _unsourced_ontology_is_a([row, swapped, vague]) == [swapped, vague]


# is_a links of DO, HPO and MAxO that read wrong to a clinician (a kind of X that is not an X, a
# symptom under a disease or the reverse, a procedure under the wrong kind): (head name, tail
# name, why). The review left them out; none may come back.
WRONG_IS_A: list[tuple[str, str, str]] = [
    (
        "Eye disease",
        "Nervous system disease",
        "DO files sensory organs under the nervous system; an eye disease is not a nervous system disease",
    ),
    (
        "Sensorineural hearing loss",
        "Nervous system disease",
        "mostly cochlear, an ear disorder (same DO sensory-system grouping)",
    ),
    ("Diabetes insipidus", "Kidney disease", "most diabetes insipidus is central (pituitary), not renal"),
    (
        "Nephrosclerosis",
        "Secondary hypertension",
        "nephrosclerosis is kidney damage from hypertension, not a hypertension",
    ),
    ("Priapism", "Cardiovascular disease", "a urological emergency, not read as a cardiovascular disease"),
    ("Methemoglobinemia", "Anaemia", "methaemoglobinaemia is not an anaemia"),
    ("Paget disease of bone", "Hyperostosis", "a disorder of bone remodelling with lytic phases, not a hyperostosis"),
    (
        "Plasmacytoma",
        "Non-Hodgkin lymphoma",
        "a plasma cell neoplasm, classed apart from the non-Hodgkin lymphomas (ICD-10 C90 vs C82-C85)",
    ),
    ("Pyelonephritis", "Pyelitis", "pyelonephritis involves the kidney parenchyma; pyelitis is the pelvis only"),
    ("Corneal neovascularization", "Keratitis", "new corneal vessels are not an inflammation of the cornea"),
    (
        "Acute biphenotypic leukemia",
        "Lymphoid leukemia",
        "mixed phenotype: myeloid and lymphoid, not a lymphoid leukaemia",
    ),
    (
        "Intermittent claudication",
        "Arteriosclerosis",
        "a symptom of peripheral arterial disease, not a kind of arteriosclerosis",
    ),
    ("Intermittent claudication", "Cardiovascular disease", "as above: a symptom, not a disease"),
    (
        "Internuclear ophthalmoplegia",
        "Hypermetropia",
        "DO files strabismus under hyperopia; an eye movement disorder is not long-sightedness",
    ),
    ("Paralytic squint", "Hypermetropia", "as above"),
    ("Parapsoriasis", "Psoriasis", "parapsoriasis is not psoriasis (a lymphocytic dermatosis)"),
    ("Pyoderma gangrenosum", "Pyoderma", "a neutrophilic dermatosis, not a bacterial skin infection"),
    (
        "Optic neuritis",
        "Peripheral neuropathy",
        "the optic nerve is central nervous system (DO files it under neuropathy)",
    ),
    ("Optic atrophy", "Peripheral neuropathy", "as above"),
    ("Plasmacytoma", "Lymphoma", "a plasma cell neoplasm, not a lymphoma"),
    ("Rectosigmoid junction cancer", "Colon cancer", "coded apart from colon cancer (ICD-10 C19 vs C18)"),
    ("Hematochezia", "Diarrhea", "blood per rectum is not diarrhoea"),
    ("Birth asphyxia", "Neonatal respiratory distress", "asphyxia at birth is not respiratory distress"),
    (
        "Diabetes Mellitus",
        "Glucose intolerance",
        "clinically, impaired glucose tolerance is the state short of diabetes",
    ),
    ("Diabetic ketoacidosis", "Diabetes Mellitus", "a complication of diabetes, not a kind of it"),
    ("Diabetic ketoacidosis", "Glucose intolerance", "as above"),
    ("Pathologic fracture", "Increased susceptibility to fractures", "a fracture, not a susceptibility"),
    ("Jaundice", "Cholestasis", "jaundice has haemolytic and hepatocellular causes too"),
    ("Nail-biting", "Self-injurious behavior", "everyday nail biting is not self-injury"),
    ("Nausea", "Nausea and vomiting", "a grouping class: nausea is not 'nausea and vomiting'"),
    ("Vomiting", "Nausea and vomiting", "as above"),
    ("Pleural effusion", "Edema", "fluid in the pleural space is not oedema"),
    ("Pyoderma", "Recurrent bacterial skin infections", "one pyoderma is not a recurrent infection"),
    ("Pyoderma", "Recurrent skin infections", "as above"),
    ("Pyoderma", "Recurrent infections", "as above"),
    ("Tongue fasciculations", "Muscle fibrillation", "fasciculation is not fibrillation"),
    ("Premature pubarche", "Precocious puberty", "isolated premature pubarche is not precocious puberty"),
    ("Premature thelarche", "Precocious puberty", "isolated premature thelarche is not precocious puberty"),
    ("Helicobacter pylori infection", "Recurrent infections", "one chronic infection, not recurrent infections"),
    ("Frequent falls", "Incoordination", "falls have many causes"),
    ("Attention deficit hyperactivity disorder", "Short attention span", "a disorder filed under one of its symptoms"),
    ("Attention deficit hyperactivity disorder", "Hyperactivity", "as above"),
    ("Slender build", "Tall stature", "slender is not tall"),
    (
        "Progressive neurologic deterioration",
        "Mental deterioration",
        "neurological includes motor decline, not only cognitive",
    ),
    ("Motor deterioration", "Mental deterioration", "motor, not cognitive decline"),
    ("Low-to-normal blood pressure", "Hypotension", "low-normal pressure is not hypotension"),
    (
        "Chronic oral candidiasis",
        "Recurrent skin infections",
        "the oral mucosa is not skin, and chronic is not recurrent",
    ),
    ("Life support care", "End-of life care", "life support is not end-of-life care"),
    ("Life support care", "Palliative care", "nor palliative care"),
    (
        "Genetic counseling",
        "Behavioral counseling",
        "genetic counselling informs on risk; it is not behavioural counselling",
    ),
    ("Genetic testing", "Disease screening", "most genetic testing is diagnostic, not screening"),
    (
        "Calcium channel blocking agent therapy",
        "Anticonvulsant agent therapy",
        "calcium channel blockers are not anticonvulsants",
    ),
    ("Nutrition assessment", "Behavioral counseling", "an assessment, not counselling"),
    (
        "Transplant conditioning",
        "Chemotherapy",
        "conditioning may be radiation (total body irradiation) or antibody based",
    ),
    ("Breast self-examination", "Clinical breast examination", "done by the woman, not by a clinician"),
    ("Alanine transaminase test", "Protein measurement", "an enzyme activity test, not read as a protein measurement"),
    ("Aspartate aminotransferase measurement", "Protein measurement", "as above"),
    ("Gamma glutamyl transpeptidase measurement", "Protein measurement", "as above"),
    ("Alkaline phosphatase measurement", "Protein measurement", "as above"),
    ("Lactate dehydrogenase measurement", "Protein measurement", "as above"),
    ("5'-nucleotidase measurement", "Protein measurement", "as above"),
    (
        "24-hour urine collection",
        "Total protein measurement",
        "a collection used for many analytes, not a protein test",
    ),
    ("24-hour urine collection", "Urine protein measurement", "as above"),
    ("24-hour urine collection", "Protein measurement", "as above"),
    ("Craniectomy", "Orthopedic surgery", "neurosurgery"),
    ("Bone marrow transplantation", "Orthopedic surgery", "a haematological procedure, not bone surgery"),
    ("Bacterial vaginosis screening", "Prenatal examination", "not limited to pregnancy"),
    ("Breast duct lavage", "Therapeutic irrigation", "ductal lavage collects cells for cytology (diagnostic)"),
    ("Peritoneal lavage", "Therapeutic irrigation", "peritoneal lavage is often diagnostic"),
    ("Retinoid agent therapy", "Antineoplastic therapy", "retinoids treat acne and psoriasis too"),
    (
        "Adrenergic drug therapy",
        "Cardiovascular agent therapy",
        "adrenergic drugs include bronchodilators and decongestants",
    ),
    ("Antiangiogenic agent therapy", "Antineoplastic therapy", "anti-VEGF agents also treat retinal disease"),
]


def _wrong_is_a_present(relations: list[ConceptRelation]) -> list[tuple[str, str]]:
    name = {c.cui: c.name for c in CONCEPTS}
    pairs = {(name.get(r.head), name.get(r.tail)) for r in relations if r.rel == "IS_A"}
    return [(h, t) for h, t, _ in WRONG_IS_A if (h, t) in pairs]


def test_is_a_read_wrong_in_the_review_does_not_come_back() -> None:
    names = {c.name for c in CONCEPTS}
    assert {n for h, t, _ in WRONG_IS_A for n in (h, t)} <= names, "a reviewed concept left the seed: update the table"
    assert _wrong_is_a_present(RELATIONS) == []


def test_the_wrong_is_a_check_catches_a_returning_pair() -> None:
    eye = next(c.cui for c in CONCEPTS if c.name == "Eye disease")
    nervous = next(c.cui for c in CONCEPTS if c.name == "Nervous system disease")
    back = ConceptRelation(head=eye, rel="IS_A", tail=nervous, source="test")
    assert _wrong_is_a_present([back]) == [("Eye disease", "Nervous system disease")]
