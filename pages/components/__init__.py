"""The interface, one room per area of the product; `frame` is what every page shares.

A page imports its own area and `frame` only; an area imports `frame` and `partner_model`, never another area.
"""
