"""What a function can cost: list prices and the worst-case hour under attack (denial of wallet).

``prices`` is the one table of AWS list prices faasguard uses, with the date they were recorded;
``ceiling`` turns a function of the model into its worst-case hourly bill and the assumptions
behind it. Both are pure: no I/O, no network, so rules and the inventory can call them freely.
"""
