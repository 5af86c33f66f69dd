import { describe, expect, it } from "vitest";
import { formatAmount, sumAmounts, toMinorUnits, unitPriceAfterAllocations } from "~/orders/money";

describe("unitPriceAfterAllocations", () => {
  it("takes a whole-line allocation off the unit price", () => {
    // The Liquid snowboard line of orders-create.discount-code-cad.json.
    expect(unitPriceAfterAllocations("765.03", 1, ["114.75"])).toBe("650.28");
  });

  it("subtracts several allocations on one line", () => {
    expect(unitPriceAfterAllocations("99.00", 1, ["14.10", "5.00"])).toBe("79.90");
  });

  it("spreads an allocation over the units and rounds half-up", () => {
    expect(unitPriceAfterAllocations("10.00", 3, ["10.00"])).toBe("6.67");
    // (2.00 - 0.01) / 2 = 0.995 exactly: half-up gives 1.00 (float arithmetic gives 0.99).
    expect(unitPriceAfterAllocations("1.00", 2, ["0.01"])).toBe("1.00");
    expect(unitPriceAfterAllocations("1.00", 2, ["0.03"])).toBe("0.99");
  });

  it("has no float drift on sums that drift in floating point", () => {
    expect(unitPriceAfterAllocations("0.30", 1, ["0.10", "0.10"])).toBe("0.10");
    expect(0.3 - 0.1 - 0.1).not.toBe(0.1);
  });

  it("returns the unit price, two decimals, when nothing is allocated", () => {
    expect(unitPriceAfterAllocations("11", 2, [])).toBe("11.00");
  });

  it("keeps the unit price of a zero-quantity line instead of dividing by zero", () => {
    expect(unitPriceAfterAllocations("20.00", 0, ["5.00"])).toBe("20.00");
  });

  it("keeps a third decimal when the amounts carry one", () => {
    expect(unitPriceAfterAllocations("1.234", 2, ["0.001"])).toBe("1.234");
  });

  it("refuses a fractional quantity", () => {
    expect(() => unitPriceAfterAllocations("1.00", 1.5, [])).toThrow(/whole number/);
  });
});

describe("amount helpers", () => {
  it("formats to at least two decimals", () => {
    expect([formatAmount("5"), formatAmount("19.9"), formatAmount("0.00"), formatAmount("-0.5")]).toEqual(["5.00", "19.90", "0.00", "-0.50"]);
  });

  it("sums exactly", () => {
    expect(sumAmounts(["0.1", "0.2"])).toBe("0.30");
    expect(sumAmounts([])).toBe("0.00");
  });

  it("refuses what is not a plain decimal", () => {
    expect(() => toMinorUnits("1e5", 2)).toThrow(/not a decimal/);
    expect(() => toMinorUnits("12,50", 2)).toThrow(/not a decimal/);
    expect(() => toMinorUnits("1.005", 2)).toThrow(/more than 2 fraction digits/);
  });
});
