import { TeamsActivityHandler } from 'botbuilder';

/** The Teams protocol handler. Thin: parses invokes, calls the share core, builds responses. */
export class ShareLinkBot extends TeamsActivityHandler {}
