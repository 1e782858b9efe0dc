/**
 * Ids of the seeded Graph objects (sandbox/data/tenant.json) that tests and the local harness refer to.
 * test/sandbox/graph/seedIds.test.ts checks that each one exists in the seed.
 */
export const GRAPH_SEED = {
  users: {
    adele: '0a1d0000-0000-4000-8000-0000000ade1e',
    megan: '0a1d0000-0000-4000-8000-000000000e9a',
    lee: '0a1d0000-0000-4000-8000-0000000001ee',
    alex: '0a1d0000-0000-4000-8000-0000000a11a1',
    noah: '0fab0000-0000-4000-8000-0000000f0e11',
    pat: '00000000-0000-0000-8a3c-5e1f00c0ffee',
  },
  drives: {
    /** OneDrive for Business (driveType business), Contoso. */
    adele: 'b!adele-onedrive',
    megan: 'b!megan-onedrive',
    lee: 'b!lee-onedrive',
    alex: 'b!alex-onedrive',
    /** OneDrive for Business in Fabrikam (anonymous links disabled). */
    noah: 'b!noah-onedrive',
    /** OneDrive personal (driveType personal). */
    pat: '8a3c5e1f00c0ffee',
    /** SharePoint site "Marketing" document library (documentLibrary). */
    marketing: 'b!marketing-documents',
    /** Microsoft 365 group "Project Falcon" drive (documentLibrary). */
    projectFalcon: 'b!project-falcon-documents',
  },
  siteMarketing: 'contoso.sharepoint.example,5a1e5a1e-0000-4000-8000-0000000a4e71,3eb3eb00-0000-4000-8000-0000000a4e71',
  groupProjectFalcon: '9f0c1a11-0000-4000-8000-00000fa1c0a1',
  items: {
    adeleRoot: '01ADELE_ROOT',
    adelePlanDocx: '01ADELE_PLAN_DOCX',
    /** Carries a view/organization link made by another app ("Contoso Intranet"). */
    adeleBudgetXlsx: '01ADELE_BUDGET_XLSX',
    adeleKickoffPptx: '01ADELE_KICKOFF_PPTX',
    adeleContractPdf: '01ADELE_CONTRACT_PDF',
    adeleDiagramPng: '01ADELE_DIAGRAM_PNG',
    adeleDemoMp4: '01ADELE_DEMO_MP4',
    adeleNotesTxt: '01ADELE_NOTES_TXT',
    /** A name of about 220 characters. */
    adeleLongNameDocx: '01ADELE_LONG_DOCX',
    /** Folder shared with Megan (read); its children inherit that grant. */
    adeleProjectsFolder: '01ADELE_PROJECTS',
    adeleBriefDocx: '01ADELE_BRIEF_DOCX',
    adeleTimelineXlsx: '01ADELE_TIMELINE_XLSX',
    /** Nested folder Projects/Archive 2024. */
    adeleArchiveFolder: '01ADELE_ARCHIVE',
    adeleRetroPdf: '01ADELE_OLD_PDF',
    adeleEmptyFolder: '01ADELE_EMPTY',
    noahPlanDocx: '01NOAH_PLAN_DOCX',
    noahProjectsFolder: '01NOAH_PROJECTS',
    marketingBrandPptx: '01MARKETING_BRAND_PPTX',
    marketingLaunchDocx: '01MARKETING_LAUNCH_DOCX',
    marketingCampaignsFolder: '01MARKETING_CAMPAIGNS',
    falconSpecDocx: '01FALCON_SPEC_DOCX',
    falconDesignFolder: '01FALCON_DESIGN',
    patRecipesDocx: '8A3C5E1F00C0FFEE!102',
    patPicturesFolder: '8A3C5E1F00C0FFEE!110',
    patBeachPng: '8A3C5E1F00C0FFEE!111',
  },
} as const;
