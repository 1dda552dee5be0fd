// Page-side types of the kontanthantering endpoint (hub/Norsjo.Retail.Hub/Api/CashHandlingApi.cs):
// aliases of the generated types, as models.ts does for the rest.
import type { components } from './api-types';

type Schemas = components['schemas'];

/** /api/municipality/cash-handling: per group of stores (or consenting store) and whole month; a figure is null where held back. */
export type CashHandlingReport = Schemas['CashHandlingReport'];
export type CashHandlingMonth = Schemas['CashHandlingMonth'];
export type ServiceCountFigure = Schemas['ServiceCountFigure'];
