// The shapes the hub's API answers with (see /openapi/v1.json), as the pages use them.

export interface StoreInfo { id: string; name: string; village: string }
/** `complete` false: the running (or cut) day, week or month, "hittills"; `lastYearHasData` false: last year is before the store's history, no figure. */
export interface TrendPoint { period: string; grossKr: number; receipts: number; lastYearGrossKr: number; lastYearReceipts: number; complete: boolean; lastYearHasData: boolean }
export interface ForecastPoint { date: string; horizon: number; point: number; lower: number; upper: number; closed?: boolean }
export interface Accuracy { mase: number; wape: number; coverage80: number }
export interface ForecastView { series: string; runId: string | null; method: string | null; note: string; model: Accuracy | null; baseline: Accuracy | null; points: ForecastPoint[];
  methodText?: string | null; bestBaseline?: string | null; wonBy?: number | null; missingDays?: number; closedWeekdays?: number[] }
export interface HourCell { weekday: number; hour: number; receipts: number; grossKr: number }
export interface Baskets { receipts: number; averageKr: number; distribution: { fromKr: number; toKr: number | null; receipts: number }[] }
export interface PaymentMix { methods: { method: string; amountKr: number; share: number }[]; cashShare: number }
export interface CategoryFigure { category: string; grossKr: number; vatKr: number; quantity: number; returnedKr: number }
export interface DeliveryFigure { locality: string; deliveries: number; households: number; orderValueKr: number; averageDistanceKm: number; stores: number; suppressed: boolean }
export interface Freshness { storeId: string; lastSale: string | null; lastUpload: string | null; minutesSinceUpload: number | null }
export interface Statement {
  storeId: string; month: string; produced: boolean; deliveries: number; eligible: number; rejected: number;
  rejectedByReason: Record<string, number>; amountDueKr: number; corrections: number;
}
/** Dagligvaror and sällanköp are null where the hub holds them back (they are shown together or not at all). */
export interface IndexValue { dagligvaror: number | null; sallankop: number | null; total: number }
/** A period's index; where `shown` is false every figure from the stores' turnover is null and `heldBack` says why. */
export interface IndexPeriod {
  label: string; from: string; to: string; months: number; complete: boolean; figuresYear: number; population: number;
  shown: boolean; index: IndexValue | null; low: IndexValue | null; high: IndexValue | null;
  reported: { dagligvarorKr: number | null; sallankopKr: number | null; totalKr: number } | null;
  estimated: { dagligvarorKr: number; sallankopKr: number; totalKr: number };
  coverage: number | null; estimatedStores: string[]; storesWithoutData: string[]; sharedStores: string[];
  gap: { target: number; neededKrPerYear: number; gapKrPerYear: number; gapKrPerResidentPerMonth: number; reached: boolean } | null;
  growth: { measuredPercent: number; constantVatPercent: number } | null;
  heldBack: string | null;
}
/** A group of stores, a store that shares its figures, or a store's estimate. */
export interface VillageFigure { village: string; kind: 'group' | 'shared' | 'estimate'; storeId: string | null; stores: number; turnoverKr: number | null; indexPoints: number | null; suppressed: boolean; note: string | null }
export interface VillageReport { label: string; from: string; to: string; villages: VillageFigure[]; suppressionNote: string }
export interface Outlook { year: number; asOf: string; expected: number; low: number; high: number; probabilityOf60: number; method: string }
export interface CashShareMonth { month: string; stores: number; cashShare: number | null; suppressed: boolean; heldBack: string | null }
export interface DeliveryMonth { month: string; localities: DeliveryFigure[]; note: string }
export interface ConsentEvent { storeId: string; given: boolean; by: string; at: string }
/** A store owner's consent to share the shop's figures with the municipality, as both sides see it. */
export interface ConsentView { storeId: string; storeName: string; village: string; given: boolean; effective: boolean; by: string | null; at: string | null; note: string; history: ConsentEvent[] }
export interface SilentAgent { storeId: string; name: string; village: string; silent: boolean; lastUpload: string | null; checked: string; state: string; stateText: string; lastHeard: string | null }
export interface StateClaim {
  year: number; eligibleDeliveries: number; households: number; netCostKr: number; stateShare: number; halfOfNetCostKr: number;
  stateCapPerDeliveryKr: number; capTotalKr: number; claimThresholdKr: number; aboveThreshold: boolean; claimKr: number; method: string;
}
/** What the municipality's index rests on (GET /api/municipality/index/basis): the pages show these, never copies of them. */
export interface IndexBasis {
  target: number; minimumStores: number; estimateUncertainty: number; today: string; currentMonth: string; lastCompleteMonth: string;
  settleDays: number; nextCompleteMonth: string; nextCompleteOn: string; year: number; figuresYear: number; populationYear: number; population: number; registryYears: number[];
}
/** An item the hub refused at ingest: what, its date, the field (also in Swedish) and the validator's reason. */
export interface RefusedItem { refusedAt: string; kind: string; what: string; itemDate: string | null; field: string; fieldName: string; reason: string; explanation: string }
export interface StoreRefusals { storeId: string; total: number; items: RefusedItem[]; note: string }
/** Per store, how many items of each kind the hub refused (admins only). */
export interface RefusalCount { storeId: string; receipts: number; homeDeliveries: number; dailyTotals: number; batches: number; last: string | null; total: number }
export interface NotApprovedDelivery { date: string; week: string; locality: string | null; distanceKm: number | null; reason: string; refusedAtIngest: boolean }
export interface NotApprovedReport { storeId: string; from: string; to: string; deliveries: number; byReason: Record<string, number>; items: NotApprovedDelivery[] }
