"""ParkLedger (园区台账): the ledgers, indicators and work report of an industrial park committee."""
