{#-
    INR per unit of <currency>. A static table on purpose: reports must not move when a
    rate feed does, and finance reconciles at these reference rates (RBI reference rates,
    January 2024, rounded). Unknown currencies give NULL (never a silent 0), and the test
    orders/assert_every_order_currency_has_fx_rate fails the build until a rate is added.
-#}
{% macro marts_orders_fx_rates() -%}
{{ return({
    'INR': 1.0, 'USD': 83.0, 'EUR': 90.5, 'GBP': 105.5, 'AED': 22.6, 'SGD': 62.5,
    'AUD': 54.8, 'CAD': 61.5, 'JPY': 0.56, 'SAR': 22.1, 'MYR': 17.7, 'IDR': 0.0053,
    'THB': 2.35, 'BDT': 0.76, 'LKR': 0.26, 'NPR': 0.62, 'CHF': 97.0, 'NZD': 51.0,
    'HKD': 10.6, 'ZAR': 4.4, 'BRL': 16.9, 'MXN': 4.9, 'PHP': 1.49, 'KRW': 0.064,
}) }}
{%- endmacro %}

{% macro marts_orders_fx_rate_to_inr(currency) -%}
{%- set rates = marts_orders_fx_rates() -%}
CAST(nullIf(arrayElement(
    [{% for code, rate in rates.items() %}toFloat64({{ rate }}){{ ", " if not loop.last }}{% endfor %}],
    indexOf([{% for code in rates %}'{{ code }}'{{ ", " if not loop.last }}{% endfor %}], upper(trim(BOTH ' ' FROM {{ currency }})))
), 0), 'Nullable(Float64)')
{%- endmacro %}
