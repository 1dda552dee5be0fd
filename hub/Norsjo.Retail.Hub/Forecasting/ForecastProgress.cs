namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>How far a forecast run has come: models trained of those it needs, over how many series.</summary>
/// <param name="ModelsTrained">Models trained so far (each is one pass over every series' history).</param>
/// <param name="Models">Models the run trains in all: one per scored backtest origin, one per group of unscored origins (two groups: the nearest two, the further ones), one on everything known.</param>
/// <param name="Series">The series with enough history to be backtested (each store, each store's category, the municipality).</param>
public sealed record ForecastProgress(int ModelsTrained, int Models, int Series);
