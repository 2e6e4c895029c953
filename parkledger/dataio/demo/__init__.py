"""The demo deployment: a realistic, deterministic park built from a seed.

`parkledger demo` loads 宁波前湾新区生态园 (`ECO`, 宁波/余姚) and its sub-park 中东欧国际产业合作园
(`ECO-CEE`) with every ledger kind from 2020-01 to 2022-12, sized so that every indicator of the
report period 2022-09 is defined and looks like the 2022 work report of such a park: about 400
enterprises entering and leaving (about 120 above scale), their monthly returns, the agreed
platforms (`SH-FUDAN`, `IC-DE`, `CEE-NB`, …), government projects (`GP-GBBL`, `GP-AMENITY`,
`GP-CULTURE`, …), the support package `SP-YOUSI`, the wetland `WL-CENTER`, and the cases,
disbursements, plans and manual figures of the other chapters.

Modules: `scales` (demo, city, province), `context` (what the chapters share, enterprise
profiles, USCCs), `names` (Chinese names), `dates`, one `chapter_*` module per report chapter,
`generator` (rows in dependency order), `load` (bulk loading), `export` (the import format).
"""
