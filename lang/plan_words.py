"""The plan's words: every sentence the planner can say, by code, and `say()` to word one.

The planner returns codes with parameters (`planner.said.Said`); this module is the one place where
they become sentences, in the active language (`lang.use`). The English sentence is the message id
and the Chinese is in `lang/locale/zh/LC_MESSAGES/plan.po`. Placeholders are named after the
parameters the planner gives; numbers and dates are written as the reader's language writes them
(`lang.formats`), and English keeps the plan's historic wording byte for byte.

A few codes are not sentences but ways of putting sentences together: `verbatim` (a plan stored
before codes: its English text as written), `join.*` (a list of phrases in the language's own
punctuation) and `decision` (a decision and its approach in words, as the summary line says it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from string import Formatter
from typing import Any

from lang import ENGLISH, N_, _, active, ngettext, pgettext, use
from lang.formats import day, number
from planner.said import VERBATIM, Said

WORDS: dict[str, str] = {
    # ---- the disclaimer and the conditional line
    "disclaimer": N_(
        "Decision support only: it supports, and does not replace, the treating team's judgement."
    ),
    "conditional": N_(
        "Only if resection, ablation and transplant are not feasible (BCLC 2022; CNLC allows TACE in "
        "Ia-IIa for advanced age or severe cirrhosis)."
    ),
    # ---- contraindications (by the contract's ids) and what in this patient makes them
    "contraindication.child_pugh_c": N_(
        "Child-Pugh C: end-stage liver function (Chinese guideline; EASL 2018)."
    ),
    "contraindication.ecog_3_4": N_(
        "ECOG 3-4: performance status too poor for TACE (Chinese guideline accepts 0-2)."
    ),
    "contraindication.jaundice": N_(
        "Jaundice, bilirubin above 3 mg/dL: rule out biliary obstruction (drain, then reassess); TACE "
        "to bridge a listed patient to transplant is the transplant team's decision (Chinese "
        "guideline; EASL 2018)."
    ),
    "contraindication.overt_encephalopathy": N_(
        "Overt hepatic encephalopathy, grade 3-4 (Chinese guideline; EASL 2018)."
    ),
    "contraindication.refractory_ascites": N_(
        "Poorly controlled moderate to severe ascites (Chinese guideline; EASL 2018)."
    ),
    "contraindication.infiltrative_tumour": N_(
        "Infiltrative or diffuse tumour: systemic therapy rather than TACE (BCLC 2022; Kudo 2020)."
    ),
    "contraindication.main_trunk_pvtt_without_collaterals": N_(
        "Main portal trunk thrombus (Vp4) without collateral flow, completely occluded or occlusion "
        "not stated (Chinese guideline)."
    ),
    "contraindication.renal_insufficiency": N_(
        "Renal insufficiency: creatinine above 2 mg/dL (about 177 umol/L), dialysis, or creatinine "
        "clearance below 30 mL/min (Chinese guideline; EASL 2018)."
    ),
    "contraindication.tace_refractory": N_(
        "TACE-refractory: switch to systemic therapy (JSH-LCSGJ 2014)."
    ),
    "contraindication.art_score_high": N_(
        "ART score 2.5 or more before the second TACE: no benefit expected from another TACE "
        "(Sieghart et al., Hepatology 2013)."
    ),
    "found.child_pugh": N_("Child-Pugh {grade}{points}"),
    "found.ecog": N_("ECOG {ecog}"),
    "found.bilirubin": N_("bilirubin {value} {unit}"),
    "found.bilirubin_converted": N_("bilirubin {value} {unit} ({mg_dl} mg/dL)"),
    "found.encephalopathy": N_("encephalopathy grade 3-4"),
    "found.ascites": N_("moderate to severe ascites"),
    "found.infiltrative": N_("infiltrative tumour"),
    "found.vp4.collaterals_unstated.occlusion_complete": N_(
        "Vp4, collaterals not stated, occlusion complete"
    ),
    "found.vp4.collaterals_unstated.occlusion_unstated": N_(
        "Vp4, collaterals not stated, occlusion not stated"
    ),
    "found.vp4.collaterals_none.occlusion_complete": N_(
        "Vp4, collaterals none, occlusion complete"
    ),
    "found.vp4.collaterals_none.occlusion_unstated": N_(
        "Vp4, collaterals none, occlusion not stated"
    ),
    "found.dialysis": N_("on dialysis"),
    "found.creatinine": N_("creatinine {value} {unit}"),
    "found.clearance": N_(
        "creatinine clearance {crcl} mL/min (Cockcroft-Gault, actual weight {weight} kg)"
    ),
    "found.art": N_("ART score {score}"),
    "found.failing_in_a_row": N_(
        "{count} follow-up(s) in a row with more than 50 % viable tumour or intrahepatic progression"
    ),
    "appeared.vascular_invasion": N_(
        "portal vein invasion that was absent before the first TACE (progression)"
    ),
    "appeared.extrahepatic_spread": N_(
        "extrahepatic spread that was absent before the first TACE (progression)"
    ),
    # ---- values to correct before the procedure
    "before.inr": N_(
        "INR {inr}: correct it to 1.8 or less before femoral arterial access (SIR 2019; radial "
        "access tolerates up to 2.2)."
    ),
    "before.platelets": N_(
        "Platelets {platelets} x10^9/L: consider platelet transfusion to 50 or more (SIR 2019)."
    ),
    # ---- cautions
    "caution.bilirubin": N_(
        "Bilirubin {value} {unit} (2-3 mg/dL): bilirubin above 2 mg/dL is a risk factor for death "
        "after TACE (SIR, Brown et al., JVIR 2012)."
    ),
    "caution.encephalopathy": N_("Encephalopathy grade 1-2: control it before TACE (EASL 2018)."),
    "caution.ascites": N_("Mild ascites: control it before TACE (EASL 2018)."),
    "caution.vp4_partial": N_(
        "Main-trunk thrombus with partial occlusion and no collaterals: not a contraindication "
        "(Chinese guideline lists partial obstruction among the indications); small doses, "
        "super-selective technique."
    ),
    "caution.creatinine_easl": N_(
        "Creatinine {value} {unit} is at the Chinese limit (above 2 mg/dL contraindicates) but EASL "
        "2018 contraindicates TACE from 2 mg/dL: under EASL, no TACE."
    ),
    "caution.child_pugh_b_easl": N_(
        "Child-Pugh B{points}: EASL 2018 contraindicates TACE in Child-Pugh B >= 8 with jaundice, "
        "clinical encephalopathy, refractory ascites or hepatorenal syndrome."
    ),
    "caution.ecog_easl": N_(
        "ECOG {ecog}: China accepts ECOG 0-2 for TACE; EASL and BCLC reserve it for ECOG 0."
    ),
    "caution.large_tumour": N_(
        "Tumour {largest} cm: above 10 cm is a relative contraindication (EASL 2018); staged "
        "embolisation if liver function allows."
    ),
    "caution.pvtt_easl": N_(
        "Portal vein thrombus {grade}: EASL 2018 counts impaired portal flow as a contraindication; "
        "the Chinese guideline allows TACE (CNLC IIIa) with selective technique."
    ),
    "caution.cytopenia": N_(
        "White cells {wbc} and platelets {platelets} x10^9/L: relative contraindication (China) "
        "unless due to hypersplenism; exclude marrow suppression."
    ),
    "caution.extrahepatic": N_(
        "Extrahepatic spread: TACE at most controls the disease in the liver; systemic therapy comes "
        "first (BCLC C, CNLC IIIb)."
    ),
    "caution.meld_transplant": N_(
        "MELD {meld}: 15 or more, refer for transplant evaluation (Merion et al., Am J Transplant "
        "2005)."
    ),
    "caution.burden_70": N_(
        "Tumour occupies 70 % or more of the liver: relative contraindication; staged embolization "
        "only if liver function is near normal (Chinese guideline)."
    ),
    "caution.beyond_up_to_seven": N_(
        "Beyond up-to-seven (largest {largest} cm + {count} tumours = {total}): TACE is less likely "
        "to succeed (Kudo's TACE-unsuitability)."
    ),
    "caution.malbi_2b.class_a": N_(
        "mALBI 2b: likely to fall to Child-Pugh B after TACE (Japanese TACE-unsuitability)."
    ),
    "caution.malbi_2b.worse": N_(
        "mALBI 2b: liver function likely to worsen further after TACE (Japanese TACE-unsuitability)."
    ),
    "caution.mrecist_corrected": N_("mRECIST: {why}; check the imaging report."),
    "mrecist.read_as_pd.new_lesion": N_(
        "the radiologist's {given} is read as PD: a new lesion is progression by mRECIST"
    ),
    "mrecist.read_as_pd.new_disease": N_(
        "the radiologist's {given} is read as PD: invasion or spread absent at baseline is "
        "progression by mRECIST"
    ),
    "mrecist.cr_with_viable": N_(
        "the radiologist's CR cannot stand beside a viable sum of {viable} mm (CR means no enhancing "
        "tumour)"
    ),
    # ---- notes
    "note.collaterals_not_stated": N_(
        "Collateral flow around the main-trunk thrombus was not stated: taken as absent."
    ),
    "note.occlusion_not_stated": N_(
        "Occlusion of the main trunk not stated: taken as complete; a partial occlusion would allow "
        "TACE with small doses, super-selectively."
    ),
    "note.renal.both": N_(
        "Creatinine clearance {crcl} mL/min (Cockcroft-Gault, actual weight {weight} kg); eGFR "
        "{egfr} mL/min/1.73 m2 (CKD-EPI 2021, for information): both overestimate kidney function "
        "in cirrhosis and sarcopenia."
    ),
    "note.renal.crcl": N_(
        "Creatinine clearance {crcl} mL/min (Cockcroft-Gault, actual weight {weight} kg): it "
        "overestimates kidney function in cirrhosis and sarcopenia."
    ),
    "note.renal.egfr": N_(
        "eGFR {egfr} mL/min/1.73 m2 (CKD-EPI 2021, for information): it overestimates kidney "
        "function in cirrhosis and sarcopenia."
    ),
    "note.blood_count_not_given": N_(
        "Blood count not given: the relative contraindication (white cells < 3.0 with platelets < 50 "
        "x10^9/L) was not checked."
    ),
    "note.wbc_not_given": N_(
        "White-cell count not given: with platelets {platelets} x10^9/L, the relative "
        "contraindication (white cells < 3.0 with platelets < 50 x10^9/L) was not checked."
    ),
    "note.platelets_not_given.low_wbc": N_(
        "Platelet count not given: with white cells {wbc} x10^9/L, the relative contraindication "
        "(white cells < 3.0 with platelets < 50 x10^9/L) was not checked, nor whether platelets "
        "need correcting before the procedure."
    ),
    "note.platelets_not_given": N_(
        "Platelet count not given: whether platelets need correcting before the procedure (below "
        "50 x10^9/L) was not checked."
    ),
    "note.hap_non_hcc": N_("HAP was derived in HCC: read it with care for another tumour type."),
    "note.recovery_not_given": N_(
        "Recovery date not given: the earliest day counts from the intervention only (P5); P6 may "
        "move it later."
    ),
    "note.followup_not_given": N_(
        "Follow-up imaging findings not given: this decision is provisional until they are."
    ),
    "note.ethanol_small_targets": N_(
        "Ethanol suits small targets (3 nodules or fewer, each 3 cm or smaller; best under 2 cm): if "
        "the viable residue is larger, TACE or ablation instead."
    ),
    "note.art": N_(
        "ART score {score} before the second TACE (points: {child_pugh} for the Child-Pugh rise, "
        "{ast} for the AST rise, {response} for the response); its external validation is mixed (a "
        "Taiwanese cohort did not confirm it)."
    ),
    "note.stops_here": N_(
        "Follow-up alone would treat again ({why}), but TACE stops here: see the contraindications."
    ),
    "note.treat_again": N_("Follow-up: {why}; treat again."),
    "note.p2_age_non_hcc": N_(
        "P2's age rule is written for HCC: at {age} the age alone does not make this plain "
        "chemo-embolization; the decision belongs to the multidisciplinary team."
    ),
    "note.p2_thresholds": N_(
        "P2 thresholds used: elderly from {age} years; severe cirrhosis from Child-Pugh {points} "
        "points, or ascites or encephalopathy."
    ),
    "note.p2_keeps_ultra_selective": N_(
        "{count} tumours: P10 would otherwise call for lobar placement; P2 keeps the cannulation "
        "ultra-selective."
    ),
    "note.exactly_three": N_(
        "Exactly three tumours: the founding text says 'fewer than three' (P9) and 'more than three' "
        "(P10); the project treats three as P9 to spare the liver (P8)."
    ),
    "note.window_impossible": N_(
        "No valid window: the earliest day ({earliest}) falls after the latest ({latest}); the team "
        "must decide the timing."
    ),
    "note.window_closed": N_("The window closed on {latest}: the interval of P5 has passed."),
    "note.window_open": N_("The window is open now, until {latest}."),
    # ---- why follow-up treats again
    "why.progression": N_("new lesions, progression or mRECIST PD"),
    "why.residue_too_large": N_(
        "a viable residue of {residue} mm is too large for ethanol (3 cm or smaller), so it is not "
        "the small marginal defect of P3"
    ),
    "why.no_lipiodol_no_response": N_(
        "no lipiodol was used (beads or bland embolization) and the mRECIST response, which then "
        "decides, was not given: provisional"
    ),
    "why.no_lipiodol": N_("no lipiodol was used and mRECIST is {response}: viable tumour remains"),
    "why.viable_likely": N_("sparse lipiodol, or dense without necrosis: viable tumour likely"),
    "why.elderly": N_("age {age} (elderly: {threshold} or more)"),
    "why.severe_cirrhosis": N_("severe cirrhosis ({signs})"),
    "sign.ascites": N_("ascites"),
    "sign.encephalopathy": N_("encephalopathy"),
    # ---- the reasons each rule applied
    "reason.P1": N_("Chosen from tumour, thrombus, cirrhosis, liver function, age and condition."),
    "reason.P2": N_("Plain chemo-embolization, ultra-selective: {why}."),
    "reason.P3": N_("Dense lipiodol with a small marginal defect: ethanol into the defect."),
    "reason.P4": N_("After an earlier intervention, follow-up imaging decides what comes next."),
    "reason.P5": N_(
        "Next intervention {min_days} days to {max_months} months after the last ({last})."
    ),
    "reason.P6": N_("At least {days} days after recovery ({recovered})."),
    "reason.P7.complete_response": N_(
        "mRECIST complete response (no viable tumour) and no new lesion: hold, follow-up continues."
    ),
    "reason.P7.dense_necrosis": N_(
        "Dense lipiodol, necrosis, no new lesion, no progression: hold."
    ),
    "reason.P8": N_("Spare the liver: treat through the target vessel only."),
    "reason.P10": N_("{count} tumours (more than three): lobar placement."),
    "reason.P11": N_("Search for and treat collateral feeding arteries."),
    # ---- technique
    "technique.hold": N_(
        "No intervention now; repeat contrast CT or MRI and decide again on its findings."
    ),
    "technique.hold_lipiodol": N_(
        "No intervention now; repeat contrast CT or MRI (MRI preferred after lipiodol) and decide "
        "again on its findings."
    ),
    "technique.ethanol": N_(
        "Absolute-ethanol injection under ultrasound guidance into the marginal lipiodol defect "
        "(P3); take care near the hilum and bile ducts."
    ),
    "technique.plain": N_(
        "Plain chemo-embolization only, through ultra-selective cannulation of the artery feeding "
        "the tumour (P2)."
    ),
    "technique.lobar": N_(
        "Microcatheter in the right or left hepatic artery; avoid the cystic (gallbladder) artery "
        "(P10)."
    ),
    "technique.superselective": N_(
        "Microcatheter super-selectively into the peripheral feeding branches of each tumour in turn "
        "(P9)."
    ),
    "technique.collaterals": N_("Search for and treat collateral feeding arteries (P11)."),
    "technique.spare_liver": N_(
        "Spare the liver: chemotherapy and embolization through the target vessel only (P8)."
    ),
    # ---- flags: where published conventions disagree
    "flag.unchanged": N_("The class, the stage and the decision stay the same either way."),
    "flag.with_that_convention": N_("With that convention: {changes}."),
    "change.child_pugh": N_("Child-Pugh {grade}{points}"),
    "change.bclc": N_("BCLC {stage}"),
    "change.conditional": N_("conditional"),
    "change.unconditional": N_("no longer conditional"),
    "flag.child_pugh_bilirubin_unit": N_(
        "Child-Pugh bilirubin: {value} {unit} scores {used} by the table of the unit entered but "
        "{other} by the {other_unit} table; scored in the unit entered."
    ),
    "flag.child_pugh_bilirubin_si": N_(
        "Child-Pugh bilirubin: {value} umol/L scores {used} here but {other} by the SI tables that "
        "cut at 50 umol/L instead of 51."
    ),
    "flag.child_pugh_albumin.pugh": N_(
        "Child-Pugh albumin: {value} {unit} scores {used} with the {used_cut} g/dL cut-off used but "
        "{other} with the {other_cut} g/dL cut-off (Pugh's)."
    ),
    "flag.child_pugh_albumin.harrison": N_(
        "Child-Pugh albumin: {value} {unit} scores {used} with the {used_cut} g/dL cut-off used but "
        "{other} with the {other_cut} g/dL cut-off (Harrison's and some tables)."
    ),
    "flag.albi_coefficient": N_(
        "ALBI grade: {used_grade} with the albumin coefficient {used} (used) but {other_grade} with "
        "{other}, which some papers print."
    ),
    "flag.ucsf_total": N_(
        "UCSF: the total diameter is taken as {count} x {largest} = {total} cm (conservative, only "
        "the largest is entered), above 8 cm; with the real diameters of the smaller nodules the "
        "tumour may be within UCSF."
    ),
    "flag.bclc_d_child_pugh_c": N_(
        "BCLC D from Child-Pugh C: BCLC 2022 speaks of end-stage liver function, which the project "
        "equates with Child-Pugh C; a transplant candidate is assessed separately."
    ),
    "flag.bclc_child_pugh_b": N_(
        "BCLC with Child-Pugh B: BCLC 2022 gives Child-Pugh B no fixed place; staged by tumour and "
        "ECOG (the pre-2022 convention), so the stage is not unambiguous."
    ),
    "flag.bclc_c_from_ecog": N_(
        "BCLC C from ECOG {ecog} alone: this holds only if the impairment is cancer-related; "
        "otherwise the tumour burden would stage it BCLC {stage}."
    ),
    "flag.bclc_0_vs_a": N_(
        "BCLC 0 vs A: a single nodule of exactly 2.0 cm is 0 by BCLC 2022 (<= 2 cm) but A by older "
        "editions (< 2 cm)."
    ),
    "flag.bclc_a_vs_b": N_(
        "BCLC A vs B: 2-3 nodules with the largest exactly 3.0 cm are A by BCLC 2022 (<= 3 cm) but B "
        "by the original BCLC (< 3 cm)."
    ),
    "flag.mrecist_sums_used": N_(
        "mRECIST: the viable sums give {used}, the radiologist reads {other}; the sums are used."
    ),
    "flag.mrecist_reading_used": N_(
        "mRECIST: the radiologist reads {used}, the viable sums give {other}; the reading is used."
    ),
    "flag.refractoriness.refractory": N_(
        "TACE refractoriness: refractory by {used}, but not by {other}."
    ),
    "flag.refractoriness.not_refractory": N_(
        "TACE refractoriness: not refractory by {used}, but by {other}."
    ),
    "definition.jsh_2014": N_(
        "JSH-LCSGJ 2014 (two consecutive failing follow-ups, or new vascular invasion or "
        "extrahepatic spread)"
    ),
    "definition.chinese_consensus_2022": N_(
        "the Chinese interventional consensus 2022 (three or more consecutive sessions first)"
    ),
    "flag.elderly.would": N_(
        "Elderly (P2): age {age} against the threshold of {threshold} used; studies also use {low} "
        "or {high}, and with {other} the age rule would apply."
    ),
    "flag.elderly.would_not": N_(
        "Elderly (P2): age {age} against the threshold of {threshold} used; studies also use {low} "
        "or {high}, and with {other} the age rule would not apply."
    ),
    # ---- what the stages advise
    "stage.bclc.0": N_(
        "BCLC 0: resection, ablation or transplant come first; TACE only when they are not feasible "
        "or have failed (BCLC 2022, stages unchanged in the 2025 update)."
    ),
    "stage.bclc.A": N_(
        "BCLC A: resection, ablation or transplant come first; TACE only when they are not feasible "
        "or have failed (BCLC 2022, stages unchanged in the 2025 update)."
    ),
    "stage.bclc.B": N_(
        "BCLC B: TACE when the nodules are well defined, portal flow is preserved and the feeders can "
        "be reached selectively; transplant within extended criteria; systemic therapy when diffuse "
        "or extensive bilobar (BCLC 2022, stages unchanged in the 2025 update)."
    ),
    "stage.bclc.B_diffuse": N_(
        "BCLC B, diffuse or infiltrative: systemic therapy rather than TACE (BCLC 2022, stages "
        "unchanged in the 2025 update)."
    ),
    "stage.bclc.C": N_(
        "BCLC C: first-line treatment is systemic therapy (atezolizumab-bevacizumab, "
        "durvalumab-tremelimumab, or nivolumab-ipilimumab since the 2025 update) (BCLC 2022, stages "
        "unchanged in the 2025 update)."
    ),
    "stage.bclc.D": N_(
        "BCLC D: best supportive care; transplant assessment where eligible (BCLC 2022, stages "
        "unchanged in the 2025 update)."
    ),
    "stage.cnlc.Ia": N_(
        "CNLC Ia: resection first, ablation an equal option up to 3 cm; TACE for those who cannot or "
        "will not have either (advanced age, severe cirrhosis) (CNLC 2024)."
    ),
    "stage.cnlc.Ib": N_(
        "CNLC Ib: resection first; TACE or ablation where resection does not suit (CNLC 2024)."
    ),
    "stage.cnlc.IIa": N_("CNLC IIa: resection in selected patients; TACE otherwise (CNLC 2024)."),
    "stage.cnlc.IIb": N_(
        "CNLC IIb: TACE is the first choice; resection in selected patients, systemic therapy (CNLC "
        "2024)."
    ),
    "stage.cnlc.IIIa": N_(
        "CNLC IIIa: TACE is a first choice beside systemic therapy, HAIC or radiotherapy; resection "
        "in selected patients (CNLC 2024)."
    ),
    "stage.cnlc.IIIb": N_(
        "CNLC IIIb: systemic therapy first; TACE only to control the disease in the liver, "
        "radiotherapy for metastases (CNLC 2024)."
    ),
    "stage.cnlc.IV": N_(
        "CNLC IV: best supportive care; transplant for selected patients (CNLC 2024)."
    ),
    "stage.non_hcc.icc": N_(
        "The founding protocol was written for HCC, and BCLC and CNLC stage HCC only: for "
        "intrahepatic cholangiocarcinoma the scores and rules P2-P11 are shown, but the decision "
        "belongs to the multidisciplinary team."
    ),
    "stage.non_hcc.metastasis": N_(
        "The founding protocol was written for HCC, and BCLC and CNLC stage HCC only: for liver "
        "metastases the scores and rules P2-P11 are shown, but the decision belongs to the "
        "multidisciplinary team."
    ),
    "stage.non_hcc.other": N_(
        "The founding protocol was written for HCC, and BCLC and CNLC stage HCC only: for this "
        "tumour type the scores and rules P2-P11 are shown, but the decision belongs to the "
        "multidisciplinary team."
    ),
    "stage.excluded": N_(
        "TACE is contraindicated for this patient, so where the stage names TACE its place goes to "
        "the next stage's option (treatment-stage migration, BCLC 2022). The stage itself: {stage}"
    ),
    # ---- alternatives beside the decision (by the contract's ids) and the checklist
    "alternative.ablation": N_(
        "Ablation (radiofrequency or microwave): up to 3 nodules each 3 cm or smaller (BCLC 2022), "
        "or a single tumour up to 5 cm (CNLC 2024)."
    ),
    "alternative.resection": N_(
        "Resection: single tumour, Child-Pugh A, no main-trunk thrombus, if no clinically significant "
        "portal hypertension (platelets 100 x10^9/L or more as a surrogate) (BCLC 2022; EASL 2018)."
    ),
    "alternative.tare": N_(
        "Radioembolization (TARE, radiation segmentectomy): single tumour up to 8 cm, Child-Pugh A, "
        "ECOG 0-1 (LEGACY, Salem et al., Hepatology 2021)."
    ),
    "alternative.systemic": N_(
        "Systemic therapy, first line: atezolizumab-bevacizumab, durvalumab-tremelimumab or "
        "nivolumab-ipilimumab (CheckMate 9DW, Lancet 2025); lenvatinib or sorafenib when "
        "immunotherapy is unsuitable (BCLC 2022/2025). The trials' evidence is for Child-Pugh A and "
        "ECOG 0-1."
    ),
    "alternative.tace_plus_systemic": N_(
        "TACE combined with systemic therapy: longer progression-free survival (EMERALD-1, Sangro et "
        "al., Lancet 2025; LEAP-012, Kudo et al., Lancet 2025); overall survival not yet shown."
    ),
    "alternative.haic": N_(
        "Hepatic arterial infusion chemotherapy (FOLFOX-HAIC), Chinese practice for a portal vein "
        "thrombus or a tumour above 7 cm (CNLC 2024; Li et al., JCO 2022; Lyu et al., JCO 2022)."
    ),
    "alternative.best_supportive_care": N_("Best supportive care (BCLC 2022)."),
    "alternative.transplant.within": N_(
        "Liver transplant: tumour within {criteria} (Mazzaferro 1996; Yao 2001; Mazzaferro 2009; "
        "Merion 2005)."
    ),
    "alternative.transplant.within.meld": N_(
        "Liver transplant: tumour within {criteria}; MELD {meld}: refer for evaluation (Mazzaferro "
        "1996; Yao 2001; Mazzaferro 2009; Merion 2005)."
    ),
    "alternative.transplant.outside": N_(
        "Liver transplant: tumour outside Milan, UCSF and up-to-seven (Mazzaferro 1996; Yao 2001; "
        "Mazzaferro 2009; Merion 2005)."
    ),
    "alternative.transplant.outside.meld": N_(
        "Liver transplant: tumour outside Milan, UCSF and up-to-seven; MELD {meld}: refer for "
        "evaluation (Mazzaferro 1996; Yao 2001; Mazzaferro 2009; Merion 2005)."
    ),
    # TRANSLATORS: the names of the transplant criteria, listed after "within".
    "criterion.milan": N_("Milan"),
    "criterion.ucsf": N_("UCSF"),
    "criterion.up_to_seven": N_("up-to-seven"),
    "check.infection": N_("Active infection (treat it first)."),
    "check.biliary": N_("Biliary-enteric anastomosis or sphincterotomy (liver abscess risk)."),
    "check.varices": N_("High-risk varices (treat before TACE)."),
    "check.cardiac": N_("Cardiac function before doxorubicin (LVEF above 50 %)."),
    "check.contrast": N_("Contrast allergy."),
    "check.invasion": N_("Hepatic vein, vena cava or bile duct invasion."),
    "check.shunt": N_("Arterio-portal shunt."),
    "check.hbv": N_(
        "HBV status: antiviral prophylaxis for HBsAg-positive patients (Chinese guideline)."
    ),
    # ---- why a reminder is due
    "why.imaging_after_hold": N_(
        "Follow-up imaging after a hold (P7): decide again on its findings."
    ),
    "why.imaging_after_intervention": N_(
        "Follow-up CT or MRI {first_week}-{last_week} weeks after the intervention of {day} (P4)."
    ),
    "why.imaging_still_due": N_(
        "Follow-up CT or MRI {first_week}-{last_week} weeks after the intervention of {day} (P4): "
        "the imaging of {imaged} was early."
    ),
    "why.window_opens": N_(
        "The window for the next intervention opens (P5, P6); it closes on {latest}."
    ),
    "why.window_closes": N_("Last day of the window for the next intervention (P5)."),
    "why.window_impossible": N_(
        "Earliest day after recovery (P6); it falls after the 3-month limit of P5, so the team "
        "decides the timing."
    ),
    # ---- a case that cannot be planned: the field's path, then what is wrong with it
    "error.field": N_("{path}: {problem}"),
    "error.required": N_("is required"),
    "error.unknown_field": N_("is not a known field"),
    "error.range": N_("must be between {low} and {high}"),
    "error.range_unit": N_("must be between {low} and {high} {unit}"),
    "error.date_order": N_("must not be before last_intervention ({last})"),
    "error.future_date": N_("{when} is after today ({today})"),
    "error.integer": N_("input should be a valid integer"),
    "error.number": N_("input should be a valid number"),
    "error.boolean": N_("input should be a valid boolean"),
    "error.text": N_("input should be a valid string"),
    "error.list": N_("input should be a valid list"),
    "error.one_of": N_("input should be {choices}"),
    "unit.years": N_("years"),
    "unit.nodules": N_("nodules"),
    "unit.points": N_("points"),
    "unit.sessions": N_("sessions"),
    # ---- the founding texts of the rules (/help on a plan)
    "rule.P1": N_(
        "The plan is chosen per patient from tumour type and size, portal vein tumour thrombus, "
        "degree of cirrhosis, liver function, age and systemic condition."
    ),
    "rule.P2": N_(
        "Elderly patients with HCC, and patients with severe cirrhosis, get plain chemo-embolization "
        "only, through ultra-selective cannulation of the feeding artery."
    ),
    "rule.P3": N_(
        "Dense lipiodol over most of a lesion with a small marginal defect: the defect is treated by "
        "absolute-ethanol injection under ultrasound guidance."
    ),
    "rule.P4": N_("The timing of the next intervention is decided by follow-up."),
    "rule.P5": N_("The interval between two interventions is normally 50 days to 3 months."),
    "rule.P6": N_("The next intervention is at least 3 weeks after recovery from the last one."),
    "rule.P7": N_(
        "Dense lipiodol, tumour necrosis, no new lesion and no progression: no intervention for now; "
        "follow-up continues."
    ),
    "rule.P8": N_(
        "Protect liver function: super-selective microcatheter technique treats through the target "
        "vessel only."
    ),
    "rule.P9": N_(
        "Fewer than three tumours: microcatheter super-selectively in the peripheral feeders of each "
        "tumour in turn."
    ),
    "rule.P10": N_(
        "More than three tumours: microcatheter in the right or left hepatic artery, avoiding the "
        "cystic artery."
    ),
    "rule.P11": N_("Collateral feeding arteries are searched for and treated too."),
}
"""Every sentence of the plan by code: the English is the message id of the catalogs."""

COUNTED: dict[str, tuple[str, Callable[[int], str]]] = {
    "reason.P9": (
        "count",
        lambda n: ngettext(
            "{count} tumour: super-selective into each tumour's feeders.",
            "{count} tumours: super-selective into each tumour's feeders.",
            n,
        ),
    ),
    "note.window_opens": (
        "days",
        lambda n: ngettext(
            "The window opens on {earliest}, in {days} day.",
            "The window opens on {earliest}, in {days} days.",
            n,
        ),
    ),
}
"""Sentences whose wording depends on a count (by the language's plural rule): code -> (the count's
parameter, the sentence for a count)."""

DECISION_WORDS: dict[tuple[str, str | None], str] = {
    ("tace", "superselective"): N_("super-selective TACE"),
    ("tace", "lobar"): N_("lobar TACE"),
    ("simple_tace", "superselective"): N_("plain chemo-embolization (ultra-selective)"),
    ("ethanol_injection", None): N_("ethanol injection"),
    ("hold", None): N_("hold"),
    ("no_tace", None): N_("no TACE"),
}
"""Decisions in words, for the plan's summary line, its flags and every channel."""
DECISION_SHORT = {"tace": N_("TACE"), "simple_tace": N_("plain chemo-embolization")}
"""A TACE decision in words when its approach is not at hand (the patient list)."""

_SENTENCE_GAP = {"zh": ""}
"""Between two whole sentences: a space, except in languages whose full stop needs none (a catalog
cannot translate a space into nothing: an empty translation means untranslated)."""
_JOINS = {
    # TRANSLATORS: separators between the items of a list inside a sentence.
    "comma": lambda: pgettext("join", ", "),
    "semicolon": lambda: pgettext("join", "; "),
    "and": lambda: pgettext("join", " and "),
    "sentences": lambda: _SENTENCE_GAP.get(active(), " "),
}
with use(ENGLISH):
    _ENGLISH_SEPARATORS = {kind: separator() for kind, separator in _JOINS.items()}
"""The separators of `join` in English, read once: a plan's sentences join some ten lists."""
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DAY_LENGTH = len("2026-11-30")


def words_for(decision: str, approach: str | None = None) -> str:
    """A decision (and approach) as the summary line words it: `super-selective TACE`."""
    key = (decision, approach if decision in DECISION_SHORT else None)
    found = DECISION_WORDS.get(key) or DECISION_SHORT.get(decision)
    return _(found) if found else decision.replace("_", " ")


def known(code: str) -> bool:
    """Whether `code` has words here (every code the planner emits must)."""
    return (
        code in WORDS
        or code in COUNTED
        or code in (VERBATIM, "decision")
        or code.removeprefix("join.") in {*_JOINS, "or"}
    )


def say(said: Said | str) -> str:
    """A sentence of the plan in the active language (text already worded passes as it is: a plan
    built in a test or copied with `model_copy(update=...)` may hold text).

    Every plan the command line prints goes through here some thirty times (issue 9's budget): the
    common cases (a sentence without parameters, English) come first and cost a lookup, and a
    sentence with parameters is put together from its template split once (`_split`).
    """
    if type(said) is not Said and isinstance(said, str):
        return said
    code = said[0]  # by index: unpacking a tuple subclass goes through an iterator on 3.11
    params = said[1]
    template = WORDS.get(code)
    english = active() == ENGLISH
    if template is not None:
        if not english:
            template = _(template)
        if not params:
            return template
    elif code == VERBATIM:
        return str(params.get("text", ""))
    elif code.startswith("join."):
        how, parts = code[5:], []
        # A loop rather than a comprehension, which is a call of its own on Python 3.11.
        for item in params.get("items", ()):
            parts.append(say(item) if type(item) is Said else _word(item))
        separator = _ENGLISH_SEPARATORS.get(how) if english else None
        return join(how, parts) if separator is None else separator.join(parts)
    elif code == "decision":
        return words_for(str(params.get("decision")), params.get("approach"))
    else:
        name, sentence = COUNTED[code]
        template = sentence(int(params[name]))
    out, fields = _SPLIT.get(template) or _split(template)
    for name, text in fields:
        value = params[name]
        kind = type(value)
        # The common parameters in place (what `_word` would give, without its call): text as it is
        # (and a day already written as English writes it), a whole number, and in English a
        # number as `:g` writes it and a day in ISO.
        if kind is str:
            if not english and len(value) == _ISO_DAY_LENGTH:
                value = _word(value)
        elif kind is int:
            value = f"{value}"
        elif english and kind is float:
            value = f"{value:g}"
        elif english and kind is date:
            value = value.isoformat()
        else:
            value = _word(value)
        out = f"{out}{value}{text}"
    return out


_SPLIT: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
"""Each template met so far (English or translated), split by `_split`."""


def _split(template: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A template as its leading text and, for each `{placeholder}`, its name and the text after it.

    `str.format_map` parses the template anew at every call, a few thousand instructions for a
    sentence of the plan; split once, a sentence is joined from its parts. The templates have plain
    named placeholders only (no format spec or conversion: a test holds every template to that).
    """
    head = ""
    fields: list[tuple[str, str]] = []
    for text, name, spec, conversion in Formatter().parse(template):
        if spec or conversion:
            raise ValueError(f"{template!r}: placeholders are plain names, with no format")
        if fields:  # the text after the last placeholder ("{{" comes as text of its own)
            previous, after = fields[-1]
            fields[-1] = (previous, after + text)
        else:
            head += text
        if name is not None:
            fields.append((name, ""))
    split = _SPLIT[template] = (head, tuple(fields))
    return split


def _word(value: Any) -> str:
    """A parameter as the reader's language writes it."""
    kind = type(value)
    if kind is str:
        if len(value) == _ISO_DAY_LENGTH and value[4] == "-" and _ISO_DAY.match(value):
            try:
                return _day(date.fromisoformat(value))
            except ValueError:  # shaped like a day but none (2026-02-30): text, as written
                pass
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if kind is Said:
        return say(value)
    if kind is float:
        return f"{value:g}" if active() == ENGLISH else number(value, 4)
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, Said | str):
        return say(value)
    return str(value)


def _day(value: date) -> str:
    """A day as the reader writes it; English is ISO (lang.formats), written without Babel's cost."""
    return value.isoformat() if active() == ENGLISH else day(value)


def join(kind: str, items: Sequence[str]) -> str:
    """Phrases joined as the active language lists them: `comma`, `semicolon`, `and`, `sentences`,
    or `or` (`a, b or c`: the alternatives a value may take)."""
    if kind == "or":
        if len(items) < 2:
            return "".join(items)
        # TRANSLATORS: the last two of the values a field may take: "'a', 'b' or 'c'".
        return _("{choices} or {last}").format(choices=join("comma", items[:-1]), last=items[-1])
    return _JOINS[kind]().join(items)


def word(code: str) -> str:
    """A sentence (or name) without parameters, by code, in the active language."""
    return _(WORDS[code])


def contraindication(name: str) -> str:
    """A contraindication (by its id) as a sentence with its sources."""
    code = f"contraindication.{name}"
    return _(WORDS[code]) if code in WORDS else name


def rule(rule_id: str) -> str:
    """The founding text of a rule of the protocol (P1-P11)."""
    return _(WORDS[f"rule.{rule_id}"])


_LEAD = re.compile(r"[:：]|\s\(|（")


def lead(text: str) -> str:
    """The lead of a sentence, before its colon or first bracket (`INR 2.6: correct it...` ->
    `INR 2.6`), in either language's punctuation: what a first screen or a one-line answer shows."""
    return _LEAD.split(text, 1)[0].strip().rstrip(".。")
