// The names protoc derives from a field name (descriptor.cc ToJsonName and MapEntryName).

/** protoc's name for the message behind a map field: "stock_by_store" → "StockByStoreEntry". */
export function mapEntryName(fieldName: string): string {
  return `${capitalizeAfterUnderscores(fieldName, true)}Entry`;
}

/** protoc's default json_name: underscores dropped, the letter after each one upper-cased. */
export function jsonNameOf(fieldName: string): string {
  return capitalizeAfterUnderscores(fieldName, false);
}

// protoc's ToJsonName and MapEntryName (descriptor.cc), character by character.
function capitalizeAfterUnderscores(name: string, isFirstCapitalized: boolean): string {
  let result = "";
  let isNextCapitalized = isFirstCapitalized;
  for (const character of name) {
    if (character === "_") {
      isNextCapitalized = true;
    } else {
      result += isNextCapitalized ? character.toUpperCase() : character;
      isNextCapitalized = false;
    }
  }
  return result;
}
