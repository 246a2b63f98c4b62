{#  Money is DECIMAL from staging to the marts, so sums are exact and the conservation tests hold
    at any size a contract row can have (|amount| < money_bound). In DOUBLE, one invoice of 1e20
    or a pasted card number rounded every sum beside it by more than a cent.

    Three types, one place:
      decimal_type: every contract `decimal` column as parsed in staging (amounts, rates, weights);
      money_type:   USD amounts in the intermediate models (a product of amount and rate, or a
                    share of one), to the micro-unit, so summing many rows adds no rounding;
      mart money:   decimal(38, 2), the cent, as BI tools show it.
    The same types on DuckDB and Spark; only division differs (DuckDB divides decimals in DOUBLE). #}

{% macro decimal_type() -%}decimal(38, 10){%- endmacro %}

{% macro money_type() -%}decimal(38, 6){%- endmacro %}

{# Amounts (and rates, weights) at or beyond this absolute value are rejected `out_of_range`: no
   real invoice, spend or revenue is a quadrillion, and products with a rate must fit 38 digits. #}
{% macro money_bound() -%}1000000000000000{%- endmacro %}

{# An amount (in decimal_type) times its USD rate, in money_type (rounded half away from zero on
   both engines). #}
{% macro to_usd(amount, rate) -%}
    {{ return(adapter.dispatch('to_usd', 'icp')(amount, rate)) }}
{%- endmacro %}

{% macro spark__to_usd(amount, rate) -%}
    cast(cast({{ amount }} as {{ icp.money_type() }}) * cast({{ rate }} as {{ icp.decimal_type() }}) as {{ icp.money_type() }})
{%- endmacro %}

{#- The same value, faster on DuckDB: its 38-digit decimals are 128-bit integers, and a cast to a
    smaller scale or a product of two divides one bit by bit (7.1M invoices: 6 s for the cast, 12 s
    with the product). An amount below 1e8 is rounded to money_type as an 18-digit decimal (64-bit)
    instead, and a rate of exactly 1 (USD) needs no product; the result is identical. -#}
{% macro default__to_usd(amount, rate) -%}
    {%- set money = icp.duckdb_to_money_type(amount) -%}
    case
        when cast({{ rate }} as {{ icp.decimal_type() }}) = 1 then {{ money }}
        else cast({{ money }} * cast({{ rate }} as {{ icp.decimal_type() }}) as {{ icp.money_type() }})
    end
{%- endmacro %}

{% macro duckdb_to_money_type(amount) -%}
    case
        when abs({{ amount }}) < 100000000
            then cast(cast(cast({{ amount }} as decimal(18, 10)) as decimal(18, 6)) as {{ icp.money_type() }})
        else cast({{ amount }} as {{ icp.money_type() }})
    end
{%- endmacro %}

{# A USD amount rounded to the cent, as every mart shows money. #}
{% macro mart_money(expr) -%}
    cast(round({{ expr }}, 2) as decimal(38, 2))
{%- endmacro %}

{# `amount / count` in money_type, exact to the micro-unit and rounded half away from zero, so a
   channel-month's spend shared among its customers adds back up. `count` is a whole number > 0. #}
{% macro divide_money(amount, count) -%}
    {{ return(adapter.dispatch('divide_money', 'icp')(amount, count)) }}
{%- endmacro %}

{#- DuckDB divides decimals in DOUBLE (17 significant digits: not enough for 1e14 to the cent):
    integer division of the micro-units instead, with the remainder rounding the last digit. -#}
{% macro default__divide_money(amount, count) -%}
    cast(
        (
            cast(cast({{ amount }} as {{ icp.money_type() }}) * 1000000 as hugeint) // cast({{ count }} as bigint)
            + case
                when 2 * abs(cast(cast({{ amount }} as {{ icp.money_type() }}) * 1000000 as hugeint) % cast({{ count }} as bigint))
                    >= abs(cast({{ count }} as bigint))
                then sign(cast({{ amount }} as {{ icp.money_type() }})) * sign(cast({{ count }} as bigint))
                else 0
            end
        ) as decimal(38, 0)
    ) * cast(0.000001 as {{ icp.money_type() }})
{%- endmacro %}

{#- Spark divides decimals as decimals (HALF_UP at the result's scale). -#}
{% macro spark__divide_money(amount, count) -%}
    cast(cast({{ amount }} as {{ icp.money_type() }}) / cast({{ count }} as bigint) as {{ icp.money_type() }})
{%- endmacro %}
